// Loading a kenlm model file for the compiled kernels (windows.cc, lattice.cc).
#pragma once
#include <Python.h>

#include <exception>

#include "lm/model.hh"
#include "lm/state.hh"
#include "lm/virtual_interface.hh"

// The model at ``path``, opened as restore.lm.model opens it (lazy mmap: the pages are the page
// cache's, shared between processes and with kenlm's Python module); nullptr with a Python error
// set (OSError when kenlm cannot read it, ValueError when its state is not ngram::State).
inline lm::base::Model *restore_load_model(const char *path) {
    try {
        lm::ngram::Config config;
        config.load_method = util::LAZY;
        lm::base::Model *model = lm::ngram::LoadVirtual(path, config);
        if (model->StateSize() != sizeof(lm::ngram::State)) {
            delete model;
            PyErr_SetString(PyExc_ValueError, "not an n-gram model with kenlm's ngram::State");
            return nullptr;
        }
        return model;
    } catch (const std::exception &exc) {
        PyErr_Format(PyExc_OSError, "kenlm cannot load %s: %s", path, exc.what());
        return nullptr;
    }
}
