// restore._windows.WordLattice: the word model's best segmentation (restore.lm.wordlm) in C++.
//
// The same Viterbi search as WordLanguageModel.segment's Python loop, step for step, so that
// every log10 probability and every segmentation is bit for bit the Python one: paths are
// recombined by their last word, each position keeps the ``beam`` best (a stable sort, ties in
// the order the paths were made), a piece of 2 or more characters is a word only when the
// model's vocabulary has it, and kenlm's float32 scores are summed as float64 left to right.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "lattice.hh"
#include "loading.hh"
#include "lm/model.hh"
#include "lm/state.hh"
#include "lm/virtual_interface.hh"
#include "lm/vocab.hh"
#include "util/string_piece.hh"

namespace {

using lm::WordIndex;
using lm::ngram::State;

// A kenlm look-up: the context state and the word scored after it.
struct Lookup {
    State state;
    WordIndex word;
    bool operator==(const Lookup &other) const { return word == other.word && state == other.state; }
};

struct LookupHash {
    size_t operator()(const Lookup &key) const { return static_cast<size_t>(lm::ngram::hash_value(key.state, key.word)); }
};

struct Scored {
    float logprob;
    State out;
};

// The char stage scores a window with the printed character and again with its best candidate,
// and the windows of neighbouring positions overlap: most look-ups recur. kenlm's answer depends
// only on the state's words and the word (its backoffs follow from the words), so it is kept.
constexpr size_t kMemoLimit = 1 << 17;  // entries (~10 MB at most); then the memo starts afresh

// The best path ending at a lattice position with a given last word. Paths are recombined by
// their last word, and the words ending at one position differ exactly by their length, so the
// length is the key; ``back`` is the predecessor's place in the cell ``length`` pieces before.
struct Entry {
    double logprob;
    State state;
    int length;
    int back;
};

// The cells of a text longer than this many pieces are let go after its search (the char
// stage's windows are ~9 pieces).
constexpr size_t kScratchCells = 256;

// What a search needs besides the model, kept between searches (their vectors keep their
// storage; searches run one at a time: the GIL is held throughout).
struct Scratch {
    std::vector<std::vector<Entry>> lattice;
    std::vector<int> order;
    std::string word;
};

// A remembered vocabulary look-up: the string's kenlm hash and its index.
struct IndexSlot {
    uint64_t hash;
    WordIndex index;
    bool filled;
};

// Slots of the direct-mapped cache of look-ups (256 kB): a window is searched with the printed
// character and with its candidate, and neighbouring windows overlap, so most strings recur.
constexpr size_t kIndexSlots = 1 << 14;

struct WordLattice {
    PyObject_HEAD
    lm::base::Model *model;
    const lm::base::Vocabulary *vocab;
    std::unordered_map<Lookup, Scored, LookupHash> *memo;
    Scratch *scratch;
    // kenlm's n-gram vocabularies (sorted and probing) find a string by its 64-bit hash
    // (lm::ngram::detail::HashForVocab) alone, so a string's index is its hash's: remembered by
    // hash in these slots. Null for any other vocabulary (every look-up then asks it).
    std::vector<IndexSlot> *indices;
};

// self->vocab->Index(word): the same index, remembered by the string's hash.
WordIndex word_index(WordLattice *self, const std::string &word) {
    const StringPiece piece(word.data(), word.size());
    if (self->indices == nullptr) return self->vocab->Index(piece);
    const uint64_t hash = lm::ngram::detail::HashForVocab(piece);
    IndexSlot &slot = (*self->indices)[static_cast<size_t>(hash) & (kIndexSlots - 1)];
    if (slot.filled && slot.hash == hash) return slot.index;
    const WordIndex index = self->vocab->Index(piece);
    slot = IndexSlot{hash, index, true};
    return index;
}

// model.BaseScore(state, word, out), remembered.
float base_score(WordLattice *self, const State &state, WordIndex word, State *out) {
    Lookup key{state, word};
    auto found = self->memo->find(key);
    if (found != self->memo->end()) {
        *out = found->second.out;
        return found->second.logprob;
    }
    if (self->memo->size() >= kMemoLimit) self->memo->clear();
    const float logprob = self->model->BaseScore(&state, word, out);
    self->memo->emplace(key, Scored{logprob, *out});
    return logprob;
}

int WordLattice_init(WordLattice *self, PyObject *args, PyObject *kwargs) {
    static const char *names[] = {"path", nullptr};
    const char *path;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s", const_cast<char **>(names), &path)) return -1;
    if (self->model != nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "WordLattice is initialised once");
        return -1;
    }
    lm::base::Model *model = restore_load_model(path);
    if (model == nullptr) return -1;
    try {
        self->memo = new std::unordered_map<Lookup, Scored, LookupHash>();
        self->scratch = new Scratch();
        const lm::base::Vocabulary *vocab = &model->BaseVocabulary();
        if (dynamic_cast<const lm::ngram::SortedVocabulary *>(vocab) != nullptr ||
            dynamic_cast<const lm::ngram::ProbingVocabulary *>(vocab) != nullptr) {
            self->indices = new std::vector<IndexSlot>(kIndexSlots, IndexSlot{0, 0, false});
        }
    } catch (const std::bad_alloc &) {
        delete self->memo;
        delete self->scratch;
        self->memo = nullptr;
        self->scratch = nullptr;
        delete model;
        PyErr_NoMemory();
        return -1;
    }
    self->model = model;
    self->vocab = &model->BaseVocabulary();
    return 0;
}

void WordLattice_dealloc(WordLattice *self) {
    delete self->model;
    delete self->memo;
    delete self->scratch;
    delete self->indices;
    Py_TYPE(self)->tp_free(reinterpret_cast<PyObject *>(self));
}

// The search's arguments, parsed: pieces as UTF-8, the limits and the sentence edges.
struct Query {
    std::vector<std::string> pieces;
    Py_ssize_t max_word = 0, beam = 0;
    int bos = 0, eos = 0;
};

bool parse_query(WordLattice *self, PyObject *args, Query *query) {
    PyObject *pieces_arg;
    if (!PyArg_ParseTuple(args, "Onnpp", &pieces_arg, &query->max_word, &query->beam, &query->bos, &query->eos)) return false;
    if (self->model == nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "WordLattice is not initialised");
        return false;
    }
    if (query->max_word < 1 || query->beam < 1) {
        PyErr_SetString(PyExc_ValueError, "max_word and beam must be at least 1");
        return false;
    }
    PyObject *fast = PySequence_Fast(pieces_arg, "pieces must be a sequence");
    if (fast == nullptr) return false;
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    query->pieces.reserve(static_cast<size_t>(n));
    PyObject **items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t i = 0; i < n; ++i) {
        if (!PyUnicode_Check(items[i])) {
            Py_DECREF(fast);
            PyErr_SetString(PyExc_TypeError, "pieces must be str");
            return false;
        }
        Py_ssize_t size;
        const char *utf8 = PyUnicode_AsUTF8AndSize(items[i], &size);
        if (utf8 == nullptr) {
            Py_DECREF(fast);
            return false;
        }
        query->pieces.emplace_back(utf8, static_cast<size_t>(size));
    }
    Py_DECREF(fast);
    return true;
}

// The best path's log10 probability and word lengths (in pieces); false with a Python error set.
bool search(WordLattice *self, const Query &query, double *logprob, std::vector<int> *lengths) {
    try {
        const lm::base::Model &model = *self->model;
        const std::vector<std::string> &pieces = query.pieces;
        const Py_ssize_t n = static_cast<Py_ssize_t>(pieces.size());
        std::vector<std::vector<Entry>> &lattice = self->scratch->lattice;
        if (lattice.size() < static_cast<size_t>(n) + 1) lattice.resize(static_cast<size_t>(n) + 1);
        for (Py_ssize_t i = 0; i <= n; ++i) lattice[static_cast<size_t>(i)].clear();
        Entry start{0.0, State(), 0, -1};
        if (query.bos) {
            model.BeginSentenceWrite(&start.state);
        } else {
            model.NullContextWrite(&start.state);
        }
        lattice[0].push_back(start);
        std::vector<int> &order = self->scratch->order;
        std::string &word = self->scratch->word;
        for (Py_ssize_t i = 0; i < n; ++i) {
            const std::vector<Entry> &from = lattice[static_cast<size_t>(i)];
            // sorted(..., key=-logprob)[:beam]: stable, so equal totals keep their order.
            order.resize(from.size());
            for (size_t k = 0; k < from.size(); ++k) order[k] = static_cast<int>(k);
            // An insertion sort (stable: the same order as std::stable_sort, without its buffer):
            // a cell holds one path per word length, max_word at most.
            for (size_t k = 1; k < order.size(); ++k) {
                const int moving = order[k];
                size_t at = k;
                for (; at > 0 && from[static_cast<size_t>(moving)].logprob > from[static_cast<size_t>(order[at - 1])].logprob; --at) {
                    order[at] = order[at - 1];
                }
                order[at] = moving;
            }
            if (static_cast<Py_ssize_t>(order.size()) > query.beam) order.resize(static_cast<size_t>(query.beam));
            word.clear();
            for (Py_ssize_t length = 1; length <= std::min(query.max_word, n - i); ++length) {
                word += pieces[static_cast<size_t>(i + length - 1)];
                const WordIndex index = word_index(self, word);
                if (length > 1 && index == 0) continue;  // not a word the model knows
                std::vector<Entry> &cell = lattice[static_cast<size_t>(i + length)];
                for (int k : order) {
                    const Entry &path = from[static_cast<size_t>(k)];
                    State out;
                    const double total = path.logprob + static_cast<double>(base_score(self, path.state, index, &out));
                    auto found = std::find_if(cell.begin(), cell.end(), [length](const Entry &e) { return e.length == length; });
                    if (found == cell.end()) {
                        cell.push_back(Entry{total, out, static_cast<int>(length), k});
                    } else if (total > found->logprob) {
                        *found = Entry{total, out, static_cast<int>(length), k};  // keeps its place, as a dict update does
                    }
                }
            }
        }
        const std::vector<Entry> &last = lattice[static_cast<size_t>(n)];
        const Entry *best = &last[0];  // max(): the first of the highest (lattice[n] is never empty)
        for (const Entry &entry : last) {
            if (entry.logprob > best->logprob) best = &entry;
        }
        *logprob = best->logprob;
        if (query.eos) {
            State out;
            *logprob += static_cast<double>(base_score(self, best->state, self->vocab->EndSentence(), &out));
        }
        lengths->clear();
        Py_ssize_t at = n;
        for (const Entry *entry = best; entry->back >= 0;) {
            lengths->push_back(entry->length);
            at -= entry->length;
            entry = &lattice[static_cast<size_t>(at)][static_cast<size_t>(entry->back)];
        }
        std::reverse(lengths->begin(), lengths->end());
        if (lattice.size() > kScratchCells) {
            lattice.clear();
            lattice.shrink_to_fit();
        }
    } catch (const std::exception &exc) {
        PyErr_Format(PyExc_RuntimeError, "word lattice: %s", exc.what());
        return false;
    }
    return true;
}

// segment(pieces, max_word, beam, bos, eos) -> (logprob, lengths)
PyObject *WordLattice_segment(WordLattice *self, PyObject *args) {
    Query query;
    if (!parse_query(self, args, &query)) return nullptr;
    double logprob = 0.0;
    std::vector<int> found;
    if (!search(self, query, &logprob, &found)) return nullptr;
    PyObject *lengths = PyTuple_New(static_cast<Py_ssize_t>(found.size()));
    if (lengths == nullptr) return nullptr;
    for (size_t k = 0; k < found.size(); ++k) {
        PyObject *value = PyLong_FromLong(found[k]);
        if (value == nullptr) {
            Py_DECREF(lengths);
            return nullptr;
        }
        PyTuple_SET_ITEM(lengths, static_cast<Py_ssize_t>(k), value);
    }
    return Py_BuildValue("(dN)", logprob, lengths);
}

// score(pieces, max_word, beam, bos, eos) -> float: segment's log10 probability alone.
PyObject *WordLattice_score(WordLattice *self, PyObject *args) {
    Query query;
    if (!parse_query(self, args, &query)) return nullptr;
    double logprob = 0.0;
    std::vector<int> found;
    if (!search(self, query, &logprob, &found)) return nullptr;
    return PyFloat_FromDouble(logprob);
}

PyMethodDef WordLattice_methods[] = {
    {"segment", reinterpret_cast<PyCFunction>(WordLattice_segment), METH_VARARGS,
     "segment(pieces, max_word, beam, bos, eos) -> (logprob, lengths)\n\n"
     "The best path through the word lattice of pieces (str each; words of 2 to max_word pieces\n"
     "the vocabulary knows, every single piece) and its log10 probability, with <s> / </s> when\n"
     "bos / eos: restore.lm.wordlm.WordLanguageModel.segment's search, bit for bit."},
    {"score", reinterpret_cast<PyCFunction>(WordLattice_score), METH_VARARGS,
     "score(pieces, max_word, beam, bos, eos) -> float\n\n"
     "segment(...)'s log10 probability alone."},
    {nullptr, nullptr, 0, nullptr},
};

PyTypeObject WordLatticeType = {PyVarObject_HEAD_INIT(nullptr, 0)};

}  // namespace

int restore_add_lattice(PyObject *module) {
    WordLatticeType.tp_name = "restore._windows.WordLattice";
    WordLatticeType.tp_basicsize = sizeof(WordLattice);
    WordLatticeType.tp_flags = Py_TPFLAGS_DEFAULT;
    WordLatticeType.tp_doc = "WordLattice(path): a kenlm word model file loaded for segmenting unsegmented text.";
    WordLatticeType.tp_new = PyType_GenericNew;
    WordLatticeType.tp_init = reinterpret_cast<initproc>(WordLattice_init);
    WordLatticeType.tp_dealloc = reinterpret_cast<destructor>(WordLattice_dealloc);
    WordLatticeType.tp_methods = WordLattice_methods;
    if (PyType_Ready(&WordLatticeType) < 0) return -1;
    Py_INCREF(&WordLatticeType);
    if (PyModule_AddObject(module, "WordLattice", reinterpret_cast<PyObject *>(&WordLatticeType)) < 0) {
        Py_DECREF(&WordLatticeType);
        return -1;
    }
    return 0;
}
