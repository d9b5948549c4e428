// restore._windows: the char stage's LM windows (restore.lm.windows.score_windows) in C++.
//
// Loads a kenlm model file with kenlm's own code (vendored in native/kenlm, kenlm 0.3.0) and
// scores the window of each candidate replacement at one position. Every total is the same
// float64 the pure-Python path computes: kenlm returns a float32 per token, Python sums them as
// float64 left to right, and so does this loop (no fast-math, SSE2 doubles). Built by
// hatch_build.py; optional: restore.lm.native falls back to the Python loop without it.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cstdint>
#include <exception>
#include <new>
#include <vector>

#include "lm/model.hh"
#include "lm/state.hh"
#include "lm/virtual_interface.hh"
#include "lm/word_index.hh"
#include "util/string_piece.hh"
#include "lattice.hh"
#include "loading.hh"
#include "words.hh"

namespace {

using lm::WordIndex;
using lm::ngram::State;

// A code point of the Basic Multilingual Plane not yet looked up (no vocabulary is that large).
constexpr WordIndex kUnseen = static_cast<WordIndex>(-1);

struct Windows {
    PyObject_HEAD
    lm::base::Model *model;
    const lm::base::Vocabulary *vocab;
    unsigned order;
    // The vocabulary index of each one-character token of the BMP, looked up on first sight: a
    // token's UTF-8 and kenlm's hash and search cost more than the window scores of a position.
    std::vector<WordIndex> *bmp_index;
};

// The vocabulary index of a str token (kenlm's python module does the same: UTF-8, Index).
bool word_index(const Windows *self, PyObject *token, WordIndex *out) {
    if (!PyUnicode_Check(token)) {
        PyErr_SetString(PyExc_TypeError, "tokens must be str");
        return false;
    }
    Py_UCS4 code = 0x10000;
    if (PyUnicode_GET_LENGTH(token) == 1) {
        code = PyUnicode_READ_CHAR(token, 0);
        if (code < 0x10000 && (*self->bmp_index)[code] != kUnseen) {
            *out = (*self->bmp_index)[code];
            return true;
        }
    }
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(token, &size);
    if (utf8 == nullptr) return false;
    *out = self->vocab->Index(StringPiece(utf8, static_cast<size_t>(size)));
    if (code < 0x10000) (*self->bmp_index)[code] = *out;
    return true;
}

bool word_indices(const Windows *self, PyObject *fast, Py_ssize_t start, Py_ssize_t end, std::vector<WordIndex> *out) {
    PyObject **items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t i = start; i < end; ++i) {
        WordIndex word;
        if (!word_index(self, items[i], &word)) return false;
        out->push_back(word);
    }
    return true;
}

int Windows_init(Windows *self, PyObject *args, PyObject *kwargs) {
    static const char *names[] = {"path", nullptr};
    const char *path;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s", const_cast<char **>(names), &path)) return -1;
    if (self->model != nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "Windows is initialised once");
        return -1;
    }
    lm::base::Model *model = restore_load_model(path);
    if (model == nullptr) return -1;
    try {
        self->bmp_index = new std::vector<WordIndex>(0x10000, kUnseen);
    } catch (const std::bad_alloc &) {
        delete model;
        PyErr_NoMemory();
        return -1;
    }
    self->model = model;
    self->vocab = &model->BaseVocabulary();
    self->order = model->Order();
    return 0;
}

void Windows_dealloc(Windows *self) {
    delete self->model;
    delete self->bmp_index;
    Py_TYPE(self)->tp_free(reinterpret_cast<PyObject *>(self));
}

// One step of a tail token from a state, remembered for the walks that meet in that state.
struct Step {
    State in;
    float score;
    State out;
};

// What scoring one position's windows needs besides the model, kept between the positions of a
// screen() call (their vectors keep their storage).
struct Scratch {
    std::vector<WordIndex> left, tail, words;
    std::vector<std::vector<Step>> steps;
    std::vector<double> totals;
};

// The context and tail of tokens[index] (tokens: a PySequence_Fast of length `length`, 0 <= index
// <= length): the state after the order - 1 tokens before index, as begin_state (from <s> near the
// start), and the word ids of tokens[index + 1 : index + order] with </s> when that reaches the
// end, as window_tail. With `insert`, the window of a token inserted before tokens[index]: the same
// context, and tokens[index : index + order - 1] with </s> when that reaches the end (as
// CharStage._junction_window). False with a Python error set.
bool window_setup(const Windows *self, PyObject *tokens, Py_ssize_t length, Py_ssize_t index, bool insert, State *context, Scratch *scratch) {
    const lm::base::Model &model = *self->model;
    Py_ssize_t order = static_cast<Py_ssize_t>(self->order);
    Py_ssize_t start = index - order + 1;
    if (start <= 0) {
        model.BeginSentenceWrite(context);
        start = 0;
    } else {
        model.NullContextWrite(context);
    }
    scratch->left.clear();
    scratch->tail.clear();
    if (!word_indices(self, tokens, start, index, &scratch->left)) return false;
    State after;
    for (WordIndex word : scratch->left) {
        model.BaseScore(context, word, &after);
        *context = after;
    }
    Py_ssize_t from = insert ? index : index + 1;
    Py_ssize_t end = from + order - 1;
    Py_ssize_t stop = end < length ? end : length;
    if (from < stop && !word_indices(self, tokens, from, stop, &scratch->tail)) return false;
    if (end > length) scratch->tail.push_back(self->vocab->EndSentence());
    return true;
}

// The totals of scratch->words after `context` through scratch->tail, into scratch->totals (as
// score_windows; a window below `cut`, when has_cut, may stay at a partial sum below it).
void score_words(const lm::base::Model &model, const State &context, bool has_cut, double cut, Scratch *scratch) {
    const std::vector<WordIndex> &tail = scratch->tail;
    std::vector<double> &totals = scratch->totals;
    totals.clear();
    totals.reserve(scratch->words.size());
    if (scratch->steps.size() < tail.size()) scratch->steps.resize(tail.size());
    for (size_t t = 0; t < tail.size(); ++t) scratch->steps[t].clear();
    // As score_windows: the replacement's score, then the first tail token's (a window below the
    // cut after either is left at that partial sum, unless the tail has one token), then the rest.
    // From the second tail token on, walks that met in one state (kenlm's State ==, as the Python
    // groups' dict keys) take the step scored from the first of them: most meet after a token.
    State first, state;
    // Every token outside the vocabulary is kenlm's <unk> (lm::kUNK): its window is one window,
    // walked for the first of them and copied for the rest (the same float64: the walk is
    // deterministic), so the caller need not find and group them (CharStage._sharing).
    size_t unknown_at = SIZE_MAX;
    for (WordIndex word : scratch->words) {
        if (word == lm::kUNK) {
            if (unknown_at != SIZE_MAX) {
                totals.push_back(totals[unknown_at]);
                continue;
            }
            unknown_at = totals.size();
        }
        double total = model.BaseScore(&context, word, &first);
        if (tail.empty() || (has_cut && total < cut)) {
            totals.push_back(total);
            continue;
        }
        total += model.BaseScore(&first, tail[0], &state);
        if (has_cut && total < cut && tail.size() > 1) {
            totals.push_back(total);
            continue;
        }
        for (size_t t = 1; t < tail.size(); ++t) {
            std::vector<Step> &seen = scratch->steps[t];
            const Step *met = nullptr;
            for (const Step &step : seen) {
                if (step.in == state) {
                    met = &step;
                    break;
                }
            }
            if (met == nullptr) {
                Step step;
                step.in = state;
                step.score = model.BaseScore(&state, tail[t], &step.out);
                seen.push_back(step);
                met = &seen.back();
            }
            total += met->score;
            state = met->out;
        }
        totals.push_back(total);
    }
}

// A new list of floats holding values[0 : size].
PyObject *float_list(const double *values, size_t size) {
    PyObject *result = PyList_New(static_cast<Py_ssize_t>(size));
    if (result == nullptr) return nullptr;
    for (size_t i = 0; i < size; ++i) {
        PyObject *value = PyFloat_FromDouble(values[i]);
        if (value == nullptr) {
            Py_DECREF(result);
            return nullptr;
        }
        PyList_SET_ITEM(result, static_cast<Py_ssize_t>(i), value);
    }
    return result;
}

// windows(tokens, index, replacements, cut=None, source=None) -> list[float]
PyObject *Windows_windows(Windows *self, PyObject *args) {
    PyObject *tokens_arg, *replacements_arg, *cut_arg = Py_None, *source_arg = Py_None;
    Py_ssize_t index;
    if (!PyArg_ParseTuple(args, "OnO|OO", &tokens_arg, &index, &replacements_arg, &cut_arg, &source_arg)) return nullptr;
    if (self->model == nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "Windows is not initialised");
        return nullptr;
    }
    bool has_cut = cut_arg != Py_None;
    double cut = 0.0;
    if (has_cut) {
        cut = PyFloat_AsDouble(cut_arg);
        if (cut == -1.0 && PyErr_Occurred()) return nullptr;
    }
    PyObject *tokens = PySequence_Fast(tokens_arg, "tokens must be a sequence");
    if (tokens == nullptr) return nullptr;
    PyObject *replacements = PySequence_Fast(replacements_arg, "replacements must be a sequence");
    if (replacements == nullptr) {
        Py_DECREF(tokens);
        return nullptr;
    }
    PyObject *result = nullptr;
    Py_ssize_t length = PySequence_Fast_GET_SIZE(tokens);
    Py_ssize_t count = PySequence_Fast_GET_SIZE(replacements);
    Scratch scratch;
    State context;
    if (index < 0 || index > length) {
        PyErr_SetString(PyExc_IndexError, "index out of range");
        goto done;
    }
    if (!window_setup(self, tokens, length, index, false, &context, &scratch)) goto done;
    if (!word_indices(self, replacements, 0, count, &scratch.words)) goto done;
    score_words(*self->model, context, has_cut, cut, &scratch);
    if (source_arg == Py_None) {
        result = float_list(scratch.totals.data(), scratch.totals.size());
    } else {
        // sharing (CharStage._sharing): entry i of the result is totals[source[i]].
        const std::vector<double> &totals = scratch.totals;
        PyObject *source = PySequence_Fast(source_arg, "source must be a sequence");
        if (source == nullptr) goto done;
        Py_ssize_t size = PySequence_Fast_GET_SIZE(source);
        PyObject **items = PySequence_Fast_ITEMS(source);
        result = PyList_New(size);
        for (Py_ssize_t i = 0; result != nullptr && i < size; ++i) {
            Py_ssize_t at = PyLong_AsSsize_t(items[i]);
            if (at == -1 && PyErr_Occurred()) {
                Py_CLEAR(result);
                break;
            }
            if (at < 0 || static_cast<size_t>(at) >= totals.size()) {
                PyErr_SetString(PyExc_IndexError, "source index out of range");
                Py_CLEAR(result);
                break;
            }
            PyObject *value = PyFloat_FromDouble(totals[static_cast<size_t>(at)]);
            if (value == nullptr) {
                Py_CLEAR(result);
                break;
            }
            PyList_SET_ITEM(result, i, value);
        }
        Py_DECREF(source);
    }
done:
    Py_DECREF(tokens);
    Py_DECREF(replacements);
    return result;
}

// screen(tokens, steps, positions, replacements, min_gain, slack, insert=False) -> list[None | tuple[float, list[float], list[int]]]
//
// For each positions[k] = i, with its replacements[k]: the window of tokens[i] as printed,
// before = the sum of steps[i : i + order] left to right (SentenceWalk.window), and the windows of
// the replacements with cut = (before + min_gain) - slack (windows()); None when no replacement
// gains min_gain (total - before >= min_gain), else (before, their totals, the gaining positions).
// What CharStage.best_candidate computes at each examined position of a sentence before weighing
// its candidates, in one call: most positions end here. With insert, each replacement is inserted
// before tokens[i] (0 <= i <= len(tokens)): before sums steps[i : i + order - 1] and the windows
// are those windows() gives at i with a placeholder inserted there (CharStage.best_insertion).
PyObject *Windows_screen(Windows *self, PyObject *args) {
    PyObject *tokens_arg, *steps_arg, *positions_arg, *replacements_arg;
    double min_gain, slack;
    int insert = 0;
    if (!PyArg_ParseTuple(args, "OOOOdd|p", &tokens_arg, &steps_arg, &positions_arg, &replacements_arg, &min_gain, &slack, &insert)) return nullptr;
    if (self->model == nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "Windows is not initialised");
        return nullptr;
    }
    PyObject *tokens = nullptr, *steps = nullptr, *positions = nullptr, *replacements = nullptr, *result = nullptr;
    Py_ssize_t length, count;
    std::vector<double> walk;
    Scratch scratch;
    const Py_ssize_t order = static_cast<Py_ssize_t>(self->order);
    tokens = PySequence_Fast(tokens_arg, "tokens must be a sequence");
    if (tokens == nullptr) goto done;
    steps = PySequence_Fast(steps_arg, "steps must be a sequence");
    if (steps == nullptr) goto done;
    positions = PySequence_Fast(positions_arg, "positions must be a sequence");
    if (positions == nullptr) goto done;
    replacements = PySequence_Fast(replacements_arg, "replacements must be a sequence");
    if (replacements == nullptr) goto done;
    length = PySequence_Fast_GET_SIZE(tokens);
    count = PySequence_Fast_GET_SIZE(positions);
    if (PySequence_Fast_GET_SIZE(steps) != length + 1) {
        PyErr_SetString(PyExc_ValueError, "steps must hold one step per token and one for </s>");
        goto done;
    }
    if (PySequence_Fast_GET_SIZE(replacements) != count) {
        PyErr_SetString(PyExc_ValueError, "replacements must hold one sequence per position");
        goto done;
    }
    walk.reserve(static_cast<size_t>(length + 1));
    for (Py_ssize_t i = 0; i <= length; ++i) {
        double step = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(steps, i));
        if (step == -1.0 && PyErr_Occurred()) goto done;
        walk.push_back(step);
    }
    result = PyList_New(count);
    if (result == nullptr) goto done;
    for (Py_ssize_t k = 0; k < count; ++k) {
        Py_ssize_t index = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(positions, k));
        if (index == -1 && PyErr_Occurred()) {
            Py_CLEAR(result);
            goto done;
        }
        if (index < 0 || index > length || (index == length && !insert)) {
            PyErr_SetString(PyExc_IndexError, "position out of range");
            Py_CLEAR(result);
            goto done;
        }
        // As SentenceWalk.span(index, index + order) (an insertion: index + order - 1): the steps
        // summed left to right.
        Py_ssize_t reach = insert ? index + order - 1 : index + order;
        Py_ssize_t end = reach < length + 1 ? reach : length + 1;
        double before = walk[static_cast<size_t>(index)];
        for (Py_ssize_t t = index + 1; t < end; ++t) before += walk[static_cast<size_t>(t)];
        double floor = before + min_gain;
        double cut = floor - slack;
        PyObject *listed = PySequence_Fast(PySequence_Fast_GET_ITEM(replacements, k), "each position's replacements must be a sequence");
        if (listed == nullptr) {
            Py_CLEAR(result);
            goto done;
        }
        scratch.words.clear();
        bool read = word_indices(self, listed, 0, PySequence_Fast_GET_SIZE(listed), &scratch.words);
        Py_DECREF(listed);
        State context;
        if (!read || !window_setup(self, tokens, length, index, insert != 0, &context, &scratch)) {
            Py_CLEAR(result);
            goto done;
        }
        score_words(*self->model, context, true, cut, &scratch);
        const std::vector<double> &totals = scratch.totals;
        PyObject *gaining = nullptr;
        for (size_t i = 0; i < totals.size(); ++i) {
            if (totals[i] - before >= min_gain) {
                if (gaining == nullptr && (gaining = PyList_New(0)) == nullptr) break;
                PyObject *at = PyLong_FromSize_t(i);
                if (at == nullptr || PyList_Append(gaining, at) < 0) {
                    Py_XDECREF(at);
                    Py_CLEAR(gaining);
                    break;
                }
                Py_DECREF(at);
            }
        }
        if (PyErr_Occurred()) {
            Py_CLEAR(result);
            goto done;
        }
        if (gaining == nullptr) {
            Py_INCREF(Py_None);
            PyList_SET_ITEM(result, k, Py_None);
            continue;
        }
        PyObject *scores = float_list(totals.data(), totals.size());
        PyObject *entry = scores == nullptr ? nullptr : Py_BuildValue("(dNN)", before, scores, gaining);
        if (entry == nullptr) {
            if (scores == nullptr) Py_DECREF(gaining);
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, k, entry);
    }
done:
    Py_XDECREF(tokens);
    Py_XDECREF(steps);
    Py_XDECREF(positions);
    Py_XDECREF(replacements);
    return result;
}

// steps(tokens) -> list[float]: as SentenceWalk's walk, each token's score from <s> on, then </s>'s.
PyObject *Windows_steps(Windows *self, PyObject *tokens_arg) {
    if (self->model == nullptr) {
        PyErr_SetString(PyExc_RuntimeError, "Windows is not initialised");
        return nullptr;
    }
    PyObject *tokens = PySequence_Fast(tokens_arg, "tokens must be a sequence");
    if (tokens == nullptr) return nullptr;
    std::vector<WordIndex> words;
    Py_ssize_t length = PySequence_Fast_GET_SIZE(tokens);
    bool read = word_indices(self, tokens, 0, length, &words);
    Py_DECREF(tokens);
    if (!read) return nullptr;
    words.push_back(self->vocab->EndSentence());
    PyObject *result = PyList_New(static_cast<Py_ssize_t>(words.size()));
    if (result == nullptr) return nullptr;
    const lm::base::Model &model = *self->model;
    State state, after;
    model.BeginSentenceWrite(&state);
    for (size_t i = 0; i < words.size(); ++i) {
        PyObject *value = PyFloat_FromDouble(model.BaseScore(&state, words[i], &after));
        if (value == nullptr) {
            Py_DECREF(result);
            return nullptr;
        }
        PyList_SET_ITEM(result, static_cast<Py_ssize_t>(i), value);
        state = after;
    }
    return result;
}

// gaining(scores, before, min_gain) -> list[int]: [i for i, s in enumerate(scores) if s - before >= min_gain].
PyObject *Windows_gaining(Windows *, PyObject *args) {
    PyObject *scores_arg;
    double before, min_gain;
    if (!PyArg_ParseTuple(args, "Odd", &scores_arg, &before, &min_gain)) return nullptr;
    PyObject *scores = PySequence_Fast(scores_arg, "scores must be a sequence");
    if (scores == nullptr) return nullptr;
    PyObject *result = PyList_New(0);
    Py_ssize_t size = PySequence_Fast_GET_SIZE(scores);
    PyObject **items = PySequence_Fast_ITEMS(scores);
    for (Py_ssize_t i = 0; result != nullptr && i < size; ++i) {
        double score = PyFloat_AsDouble(items[i]);
        if (score == -1.0 && PyErr_Occurred()) {
            Py_CLEAR(result);
            break;
        }
        if (score - before >= min_gain) {
            PyObject *position = PyLong_FromSsize_t(i);
            if (position == nullptr || PyList_Append(result, position) < 0) Py_CLEAR(result);
            Py_XDECREF(position);
        }
    }
    Py_DECREF(scores);
    return result;
}

PyObject *Windows_order(Windows *self, void *) {
    return PyLong_FromUnsignedLong(self->model == nullptr ? 0 : self->order);
}

PyMethodDef Windows_methods[] = {
    {"windows", reinterpret_cast<PyCFunction>(Windows_windows), METH_VARARGS,
     "windows(tokens, index, replacements, cut=None, source=None) -> list[float]\n\n"
     "log10 probability of each replacement at tokens[index] and the order - 1 tokens after it\n"
     "(and </s> when they reach the end), after the order - 1 tokens before it (or <s>): the totals\n"
     "of restore.lm.windows.score_windows(model, begin_state(...), window_tail(...), replacements,\n"
     "floor) with cut = floor - FLOOR_SLACK; with source, entry i is the total of replacements[source[i]]."},
    {"steps", reinterpret_cast<PyCFunction>(Windows_steps), METH_O,
     "steps(tokens) -> list[float]\n\n"
     "log10 probability of each token walked from <s>, then of </s>: SentenceWalk's steps."},
    {"screen", reinterpret_cast<PyCFunction>(Windows_screen), METH_VARARGS,
     "screen(tokens, steps, positions, replacements, min_gain, slack, insert=False) -> list\n\n"
     "For each position i (with its replacements): before = sum(steps[i : i + order]) left to right,\n"
     "the windows(tokens, i, replacements, (before + min_gain) - slack); None when none gains\n"
     "min_gain (total - before >= min_gain), else (before, the totals, the gaining positions).\n"
     "With insert, the replacements are inserted before tokens[i]: before sums steps[i : i + order - 1]\n"
     "and the windows are windows([*tokens[:i], placeholder, *tokens[i:]], i, ...)."},
    {"gaining", reinterpret_cast<PyCFunction>(Windows_gaining), METH_VARARGS,
     "gaining(scores, before, min_gain) -> list[int]\n\n"
     "The positions whose score - before >= min_gain (float64, as Python computes it), in order."},
    {nullptr, nullptr, 0, nullptr},
};

PyGetSetDef Windows_getset[] = {
    {"order", reinterpret_cast<getter>(Windows_order), nullptr, "the model's n-gram order", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyTypeObject WindowsType = {PyVarObject_HEAD_INIT(nullptr, 0)};

PyModuleDef module = {PyModuleDef_HEAD_INIT, "restore._windows",
                      "The char stage's LM windows against kenlm's C++ API, and its known-word test (see restore.lm.native).", -1, nullptr};

}  // namespace

PyMODINIT_FUNC PyInit__windows(void) {
    WindowsType.tp_name = "restore._windows.Windows";
    WindowsType.tp_basicsize = sizeof(Windows);
    WindowsType.tp_flags = Py_TPFLAGS_DEFAULT;
    WindowsType.tp_doc = "Windows(path): a kenlm model file loaded for scoring the char stage's windows.";
    WindowsType.tp_new = PyType_GenericNew;
    WindowsType.tp_init = reinterpret_cast<initproc>(Windows_init);
    WindowsType.tp_dealloc = reinterpret_cast<destructor>(Windows_dealloc);
    WindowsType.tp_methods = Windows_methods;
    WindowsType.tp_getset = Windows_getset;
    if (PyType_Ready(&WindowsType) < 0) return nullptr;
    PyObject *mod = PyModule_Create(&module);
    if (mod == nullptr) return nullptr;
    Py_INCREF(&WindowsType);
    if (PyModule_AddObject(mod, "Windows", reinterpret_cast<PyObject *>(&WindowsType)) < 0) {
        Py_DECREF(&WindowsType);
        Py_DECREF(mod);
        return nullptr;
    }
    if (restore_add_words(mod) < 0 || restore_add_lattice(mod) < 0) {
        Py_DECREF(mod);
        return nullptr;
    }
    return mod;
}
