// restore._windows.WordLattice (lattice.cc): added to the module by PyInit__windows (windows.cc).
#pragma once
#include <Python.h>

// Adds the WordLattice type to ``module``; 0, or -1 with a Python error set.
int restore_add_lattice(PyObject *module);
