/* Rows of findmnt -J's document, written in C.

   `mountscope tree -J` of a 50 000-mount table writes 16 MB of JSON, and
   in Python the rows take three passes over the cells: made into lists,
   checked (every cell printable ASCII without a quote or a backslash,
   which JSON writes as it is), and joined between their keys. rows() does
   the same for one batch of rows in one pass: it asks each getter for the
   row's cell, checks it, and copies it between its key and the next into
   one bytes object. A cell that is not such a string (empty, None, a
   number, a quote, a backslash, a control or non-ASCII character) makes
   it return None, and findmnt.py writes that batch by its general path
   (the same bytes: tested against the Python version, _json_rows_python).

   The module is optional: where it is not built (no compiler, another
   Python, a Lambda zip), the Python version writes every batch. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Whether JSON writes the cell as it is: a non-empty str of printable
   ASCII, without '"' or '\\'. */
static int
is_plain(PyObject *cell)
{
    if (!PyUnicode_Check(cell) || !PyUnicode_IS_ASCII(cell))
        return 0;
    Py_ssize_t length = PyUnicode_GET_LENGTH(cell);
    const unsigned char *text = PyUnicode_1BYTE_DATA(cell);
    /* Every byte looked at, without a branch: the compiler makes this loop
       test many bytes at a time (ASCII: no byte is above 0x7f). */
    unsigned char escaped = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        unsigned char c = text[i];
        escaped |= (c < 0x20) | (c == 0x7f) | (c == '"') | (c == '\\');
    }
    return length > 0 && !escaped;
}

/* The ASCII text of a piece findmnt.py gives (a key, or what goes before
   or after a row), or NULL with an error set. */
static const char *
ascii_piece(PyObject *piece, Py_ssize_t *length)
{
    if (!PyUnicode_Check(piece) || !PyUnicode_IS_ASCII(piece)) {
        PyErr_SetString(PyExc_TypeError, "rows(): keys, before and after must be ASCII str");
        return NULL;
    }
    *length = PyUnicode_GET_LENGTH(piece);
    return (const char *)PyUnicode_1BYTE_DATA(piece);
}

static char *
copy(char *to, PyObject *piece)
{
    Py_ssize_t length = PyUnicode_GET_LENGTH(piece);
    memcpy(to, PyUnicode_1BYTE_DATA(piece), length);
    return to + length;
}

static PyObject *
rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7 || !PyList_Check(args[0]) || !PyTuple_Check(args[1]) ||
        !PyTuple_Check(args[2]) || !PyList_Check(args[3]) || !PyList_Check(args[4]) ||
        !PyLong_Check(args[5]) || !PyLong_Check(args[6])) {
        PyErr_SetString(PyExc_TypeError,
                        "rows(rows: list, getters: tuple, keys: tuple, before: list, "
                        "after: list, start: int, stop: int)");
        return NULL;
    }
    PyObject *row_list = args[0], *getters = args[1], *keys = args[2];
    PyObject *before = args[3], *after = args[4];
    Py_ssize_t start = PyLong_AsSsize_t(args[5]), stop = PyLong_AsSsize_t(args[6]);
    if ((start == -1 || stop == -1) && PyErr_Occurred())
        return NULL;
    Py_ssize_t columns = PyTuple_GET_SIZE(getters);
    if (PyTuple_GET_SIZE(keys) != columns || columns == 0 || start < 0 || stop < start ||
        stop > PyList_GET_SIZE(row_list)) {
        PyErr_SetString(PyExc_ValueError, "rows(): one key a getter, and start:stop within rows");
        return NULL;
    }

    /* First pass: every cell, checked and measured, kept for the second.
       (Only here does Python code run, in the getters; the lists are
       measured after it.) */
    Py_ssize_t count = stop - start;
    PyObject **cells = PyMem_Calloc(count ? count * columns : 1, sizeof(PyObject *));
    if (cells == NULL)
        return PyErr_NoMemory();
    PyObject *result = NULL;
    Py_ssize_t made = 0, size = count; /* a '"' ends each row's last cell */
    for (Py_ssize_t i = start; i < stop; i++) {
        if (i >= PyList_GET_SIZE(row_list)) {
            PyErr_SetString(PyExc_IndexError, "rows(): stop is past the rows");
            goto done;
        }
        /* Held while the getters run: the list's reference is borrowed. */
        PyObject *row = Py_NewRef(PyList_GET_ITEM(row_list, i));
        for (Py_ssize_t k = 0; k < columns; k++) {
            PyObject *cell = PyObject_CallOneArg(PyTuple_GET_ITEM(getters, k), row);
            if (cell == NULL) {
                Py_DECREF(row);
                goto done;
            }
            cells[made++] = cell;
            if (!is_plain(cell)) {
                Py_DECREF(row);
                result = Py_NewRef(Py_None); /* the general path writes this batch */
                goto done;
            }
            size += PyUnicode_GET_LENGTH(cell);
        }
        Py_DECREF(row);
    }

    /* What the rows' other pieces take. */
    if (stop > PyList_GET_SIZE(before) || stop > PyList_GET_SIZE(after)) {
        PyErr_SetString(PyExc_IndexError, "rows(): stop is past before or after");
        goto done;
    }
    for (Py_ssize_t k = 0; k < columns; k++) {
        Py_ssize_t length;
        if (ascii_piece(PyTuple_GET_ITEM(keys, k), &length) == NULL)
            goto done;
        size += length * count;
    }
    for (Py_ssize_t i = start; i < stop; i++) {
        Py_ssize_t before_length, after_length;
        if (ascii_piece(PyList_GET_ITEM(before, i), &before_length) == NULL ||
            ascii_piece(PyList_GET_ITEM(after, i), &after_length) == NULL)
            goto done;
        size += before_length + after_length;
    }

    /* Second pass: the pieces, row after row, copied into place. */
    result = PyBytes_FromStringAndSize(NULL, size);
    if (result == NULL)
        goto done;
    char *to = PyBytes_AS_STRING(result);
    PyObject **cell = cells;
    for (Py_ssize_t i = start; i < stop; i++) {
        to = copy(to, PyList_GET_ITEM(before, i));
        for (Py_ssize_t k = 0; k < columns; k++) {
            to = copy(to, PyTuple_GET_ITEM(keys, k));
            to = copy(to, *cell++);
        }
        *to++ = '"';
        to = copy(to, PyList_GET_ITEM(after, i));
    }
    assert(to == PyBytes_AS_STRING(result) + size);
done:
    for (Py_ssize_t j = 0; j < made; j++)
        Py_DECREF(cells[j]);
    PyMem_Free(cells);
    return result;
}

static PyMethodDef methods[] = {
    {"rows", (PyCFunction)(void (*)(void))rows, METH_FASTCALL,
     "rows(rows, getters, keys, before, after, start, stop): rows[start:stop] as findmnt -J "
     "writes them, or None when a cell is not plain text."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_json_rows", "findmnt -J's rows of plain cells, written in C.", -1,
    methods,
};

PyMODINIT_FUNC
PyInit__json_rows(void)
{
    return PyModule_Create(&module_def);
}
