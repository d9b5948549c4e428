// restore._windows.Words: the char stage's known-word test (restore.stages.char.covers_word) in C++.
//
// The char stage asks, for every candidate that gains, whether a known word of 2-4 characters
// covers the position once the candidate stands there. In Python each first character's words are
// split into a set on first sight (half the word list on a page of OCR lines) and every test joins
// a dozen slices. Here the words are read once into an open-addressing table of 64-bit keys (four
// BMP code points, zero-padded: no word holds U+0000), ~4 MB for the shipped 173,000 words; a word
// that does not fit a key (longer, or beyond the BMP) goes to a set of UTF-32 strings. The answers
// are covers_word's, by construction and by the tests (tests/test_native_words.py).
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cstdint>
#include <exception>
#include <string>
#include <unordered_set>
#include <vector>

#include "words.hh"

namespace {

struct WordTable {
    std::vector<uint64_t> slots;  // 0: empty
    uint64_t mask = 0;
    unsigned shift = 64;
    std::unordered_set<std::u32string> others;

    // Fibonacci hashing: the product's top bits (a two-character word's key has 32 zero low bits,
    // and so has its product: the low bits would put every such word in a few slots).
    uint64_t slot_of(uint64_t key) const { return key * 0x9E3779B97F4A7C15ULL >> shift; }

    // The key of up to four BMP code points, or 0 when they do not fit one.
    static uint64_t key_of(const char32_t *word, size_t length) {
        if (length == 0 || length > 4) return 0;
        uint64_t key = 0;
        for (size_t i = 0; i < 4; ++i) {
            char32_t code = i < length ? word[i] : 0;
            if (i < length && (code == 0 || code > 0xFFFF)) return 0;
            key = key << 16 | code;
        }
        return key;
    }

    void reserve(size_t words) {
        size_t capacity = 1024;
        shift = 54;
        while (capacity < words * 2) {  // at most half full: short probes
            capacity <<= 1;
            --shift;
        }
        slots.assign(capacity, 0);
        mask = capacity - 1;
    }

    void add(const char32_t *word, size_t length) {
        if (length == 0) return;
        uint64_t key = key_of(word, length);
        if (key == 0) {
            others.emplace(word, length);
            return;
        }
        for (uint64_t at = slot_of(key);; at = (at + 1) & mask) {
            if (slots[at] == key) return;
            if (slots[at] == 0) {
                slots[at] = key;
                return;
            }
        }
    }

    bool contains(const char32_t *word, size_t length) const {
        uint64_t key = key_of(word, length);
        if (key == 0) return length > 0 && !others.empty() && others.count(std::u32string(word, length)) > 0;
        for (uint64_t at = slot_of(key);; at = (at + 1) & mask) {
            if (slots[at] == key) return true;
            if (slots[at] == 0) return false;
        }
    }
};

struct Words {
    PyObject_HEAD
    WordTable *table;
};

// Appends the code points of str ``text`` to ``out``.
bool append_code_points(PyObject *text, std::u32string *out) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "tokens must be str");
        return false;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < length; ++i) out->push_back(static_cast<char32_t>(PyUnicode_READ(kind, data, i)));
    return true;
}

int Words_init(Words *self, PyObject *args, PyObject *kwargs) {
    static const char *names[] = {"words", nullptr};
    PyObject *text;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "U", const_cast<char **>(names), &text)) return -1;
    if (self->table != nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "Words is initialised once");
        return -1;
    }
    WordTable *table = nullptr;
    try {
        // Read in place (one word at a time), not copied whole: the shipped list is 1.2 MB.
        Py_ssize_t length = PyUnicode_GET_LENGTH(text);
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        size_t count = 1;
        for (Py_ssize_t i = 0; i < length; ++i) count += PyUnicode_READ(kind, data, i) == '\n';
        table = new WordTable();
        table->reserve(count);
        std::u32string word;
        for (Py_ssize_t i = 0; i <= length; ++i) {
            char32_t code = i < length ? static_cast<char32_t>(PyUnicode_READ(kind, data, i)) : U'\n';
            if (code == U'\n') {
                table->add(word.data(), word.size());
                word.clear();
            } else {
                word.push_back(code);
            }
        }
        self->table = table;
    } catch (const std::bad_alloc &) {
        delete table;
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

void Words_dealloc(Words *self) {
    delete self->table;
    Py_TYPE(self)->tp_free(reinterpret_cast<PyObject *>(self));
}

// covers(tokens, index, token) -> bool: restore.stages.char.covers_word over this word list.
PyObject *Words_covers(Words *self, PyObject *args) {
    PyObject *tokens_arg, *token;
    Py_ssize_t index;
    if (!PyArg_ParseTuple(args, "OnU", &tokens_arg, &index, &token)) return nullptr;
    if (self->table == nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "Words is not initialised");
        return nullptr;
    }
    if (index < 0) {
        PyErr_SetString(PyExc_IndexError, "index must not be negative");
        return nullptr;
    }
    PyObject *tokens = PySequence_Fast(tokens_arg, "tokens must be a sequence");
    if (tokens == nullptr) return nullptr;
    Py_ssize_t length = PySequence_Fast_GET_SIZE(tokens);
    PyObject **items = PySequence_Fast_ITEMS(tokens);
    bool found = false;
    bool failed = false;
    try {
        // As covers_word: the (joined) tokens[index - 3 : index] and tokens[index + 1 : index + 4],
        // Python's slice bounds clipped to the sequence.
        std::u32string left, right, middle, word;
        Py_ssize_t lo = index - 3 < 0 ? 0 : index - 3;
        Py_ssize_t hi = index < length ? index : length;
        for (Py_ssize_t i = lo; i < hi && !failed; ++i) failed = !append_code_points(items[i], &left);
        for (Py_ssize_t i = index + 1 < 0 ? 0 : index + 1; i < length && i < index + 4 && !failed; ++i) {
            failed = !append_code_points(items[i], &right);
        }
        failed = failed || !append_code_points(token, &middle);
        const WordTable &table = *self->table;
        // ``before`` characters of the word left of index, ``after`` right of it.
        long long before = left.size() < 3 ? static_cast<long long>(left.size()) : 3;
        for (; before >= 0 && !failed && !found; --before) {
            long long first_after = 1 - before > 0 ? 1 - before : 0;
            long long last_after = 3 - before < static_cast<long long>(right.size()) ? 3 - before : static_cast<long long>(right.size());
            for (long long after = first_after; after <= last_after; ++after) {
                word.assign(left, left.size() - static_cast<size_t>(before), static_cast<size_t>(before));
                word += middle;
                word.append(right, 0, static_cast<size_t>(after));
                if (table.contains(word.data(), word.size())) {
                    found = true;
                    break;
                }
            }
        }
    } catch (const std::bad_alloc &) {
        PyErr_NoMemory();
        failed = true;
    }
    Py_DECREF(tokens);
    if (failed) return nullptr;
    return PyBool_FromLong(found);
}

// contains(word) -> bool
PyObject *Words_contains(Words *self, PyObject *word) {
    if (self->table == nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "Words is not initialised");
        return nullptr;
    }
    std::u32string text;
    if (!append_code_points(word, &text)) return nullptr;
    return PyBool_FromLong(self->table->contains(text.data(), text.size()));
}

PyMethodDef Words_methods[] = {
    {"covers", reinterpret_cast<PyCFunction>(Words_covers), METH_VARARGS,
     "covers(tokens, index, token) -> bool\n\n"
     "Whether a word of 2-4 characters of this list covers tokens[index] when it holds token:\n"
     "restore.stages.char.covers_word."},
    {"contains", reinterpret_cast<PyCFunction>(Words_contains), METH_O, "contains(word) -> bool: whether word is in the list."},
    {nullptr, nullptr, 0, nullptr},
};

PyTypeObject WordsType = {PyVarObject_HEAD_INIT(nullptr, 0)};

}  // namespace

int restore_add_words(PyObject *module) {
    WordsType.tp_name = "restore._windows.Words";
    WordsType.tp_basicsize = sizeof(Words);
    WordsType.tp_flags = Py_TPFLAGS_DEFAULT;
    WordsType.tp_doc = "Words(words): a word list (words separated by line breaks) for the char stage's known-word test.";
    WordsType.tp_new = PyType_GenericNew;
    WordsType.tp_init = reinterpret_cast<initproc>(Words_init);
    WordsType.tp_dealloc = reinterpret_cast<destructor>(Words_dealloc);
    WordsType.tp_methods = Words_methods;
    if (PyType_Ready(&WordsType) < 0) return -1;
    Py_INCREF(&WordsType);
    if (PyModule_AddObject(module, "Words", reinterpret_cast<PyObject *>(&WordsType)) < 0) {
        Py_DECREF(&WordsType);
        return -1;
    }
    return 0;
}
