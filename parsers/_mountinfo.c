/* The common mountinfo line read into a Mount, in C.

   Reading a 50 000-line mountinfo file is most of what `mountscope tree`,
   `classify` and `diff` do, and in Python each line costs about 4 us:
   splitting it, checking it, and storing 18 fields into a frozen object.
   This module does the same for the lines that make up almost every real
   table, "plain" lines: no backslash escape, fields separated by single
   spaces, ids in plain decimal of at most 20 digits, and exactly three
   fields (type, source, super options) after the " - " separator. For
   such a line the result is the Mount that mountinfo.parse_line_python()
   gives (tested against it on generated lines, odd ones included); for
   any other line it returns None and the Python reader takes the line,
   errors and all. The module is optional: where it is not built (no
   compiler, another Python), the Python reader reads everything, with the
   same results.

   The frozen Mount is filled the way its own slot descriptors fill it:
   configure() reads each field's slot offset from the class, so that this
   code names the fields, not their order. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

enum {
    TARGET,
    SOURCE,
    FSTYPE,
    OPTIONS,
    VFS_OPTIONS,
    FS_OPTIONS,
    FSROOT,
    MOUNT_ID,
    PARENT_ID,
    DEVNO,
    OPTIONAL_FIELDS,
    PROPAGATION_TEXT,
    LINE,
    RAW_LINE,
    TRUNCATED,
    LOSSY,
    TARGET_DELETED,
    EXTRA,
    FIELD_COUNT
};

static const char *const FIELD_NAMES[FIELD_COUNT] = {
    "target",          "source",           "fstype", "options",  "vfs_options",
    "fs_options",      "fsroot",           "mount_id", "parent_id", "devno",
    "optional_fields", "propagation_text", "line",   "raw_line", "truncated",
    "lossy",           "target_deleted",   "extra",
};

/* Set once by configure(); the module holds references to all of them. */
static PyTypeObject *mount_type = NULL;
static Py_ssize_t offsets[FIELD_COUNT];
static PyObject *merge = NULL;     /* findmnt's OPTIONS of (vfs, fs) */
static PyObject *reference_merge = NULL; /* mount.merge_options(), for what merge_options() is not */
static PyObject *empty_tuple = NULL;

static PyObject *
configure(PyObject *module, PyObject *args)
{
    PyObject *type, *merge_arg, *reference_arg;
    if (!PyArg_ParseTuple(args, "O!OO", &PyType_Type, &type, &merge_arg, &reference_arg))
        return NULL;
    PyObject *slots = PyObject_GetAttrString(type, "__slots__");
    if (slots == NULL)
        return NULL;
    Py_ssize_t slot_count = PyObject_Length(slots);
    Py_DECREF(slots);
    if (slot_count != FIELD_COUNT) {
        /* A field added to Mount and not here would be left unset. */
        PyErr_Format(PyExc_TypeError, "Mount has %zd slots, this reader knows %d", slot_count,
                     FIELD_COUNT);
        return NULL;
    }
    for (int i = 0; i < FIELD_COUNT; i++) {
        PyObject *descr = PyObject_GetAttrString(type, FIELD_NAMES[i]);
        if (descr == NULL)
            return NULL;
        if (!Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
            Py_DECREF(descr);
            PyErr_Format(PyExc_TypeError, "Mount.%s is not a slot", FIELD_NAMES[i]);
            return NULL;
        }
        PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
        if (member->type != T_OBJECT_EX || (member->flags & READONLY)) {
            Py_DECREF(descr);
            PyErr_Format(PyExc_TypeError, "Mount.%s is not an object slot", FIELD_NAMES[i]);
            return NULL;
        }
        offsets[i] = member->offset;
        Py_DECREF(descr);
    }
    Py_INCREF(type);
    Py_XSETREF(mount_type, (PyTypeObject *)type);
    Py_INCREF(merge_arg);
    Py_XSETREF(merge, merge_arg);
    Py_INCREF(reference_arg);
    Py_XSETREF(reference_merge, reference_arg);
    if (empty_tuple == NULL && (empty_tuple = PyTuple_New(0)) == NULL)
        return NULL;
    Py_RETURN_NONE;
}

/* A field of the line: [start, end). */
typedef struct {
    Py_ssize_t start, end;
} Span;

static int
is_digits(int kind, const void *data, Span s)
{
    if (s.end == s.start)
        return 0;
    for (Py_ssize_t i = s.start; i < s.end; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < '0' || c > '9')
            return 0;
    }
    return 1;
}

/* Digits with no leading zero ("0" itself excepted): int() writes it back.
   At most MAX_ID_DIGITS, as mountinfo.fields_of() requires. */
#define MAX_ID_DIGITS 20
static int
is_plain_number(int kind, const void *data, Span s)
{
    return s.end - s.start <= MAX_ID_DIGITS && is_digits(kind, data, s) &&
           (s.end - s.start == 1 || PyUnicode_READ(kind, data, s.start) != '0');
}

/* The fields of the mountinfo line that is line[first:line_end]: 1, or 0
   when it is not a plain line, -1 on an error. The spans are positions in
   ``line``, which may hold more than the line. */
static int
split_plain(PyObject *line, Py_ssize_t first, Py_ssize_t line_end, Span head[6], Span *optional,
            Span tail[3])
{
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t found = PyUnicode_FindChar(line, '\\', first, line_end, 1);
    if (found != -1)
        return found == -2 ? -1 : 0;
    Py_ssize_t field = 0;      /* index of the field being read */
    Py_ssize_t after_sep = -1; /* fields read after the separator, -1 before it */
    optional->start = optional->end = -1;
    for (Py_ssize_t start = first; start <= line_end;) {
        /* (FindChar looks for the space with memchr in most lines) */
        Py_ssize_t end = PyUnicode_FindChar(line, ' ', start, line_end, 1);
        if (end == -2)
            return -1;
        if (end == -1)
            end = line_end;
        Span s = {start, end};
        start = end + 1;
        if (after_sep >= 0) {
            /* Only the super options, last, may be empty (a line that ends
               in a space); a fourth field means spaces in them. */
            if (after_sep == 3 || (s.end == s.start && (after_sep < 2 || end < line_end)))
                return 0;
            tail[after_sep++] = s;
        }
        else if (s.end == s.start) {
            return 0;
        }
        else if (field < 6) {
            head[field] = s;
        }
        else if (s.end - s.start == 1 && PyUnicode_READ(kind, data, s.start) == '-') {
            after_sep = 0;
        }
        else {
            if (optional->start < 0)
                optional->start = s.start;
            optional->end = s.end;
        }
        field++;
    }
    if (after_sep != 3)
        return 0;
    if (!is_plain_number(kind, data, head[0]) || !is_plain_number(kind, data, head[1]))
        return 0;
    /* major:minor, each in decimal digits */
    Py_ssize_t colon = -1;
    for (Py_ssize_t i = head[2].start; i < head[2].end; i++) {
        if (PyUnicode_READ(kind, data, i) == ':') {
            colon = i;
            break;
        }
    }
    if (colon < 0)
        return 0;
    Span major = {head[2].start, colon}, minor = {colon + 1, head[2].end};
    return is_digits(kind, data, major) && is_digits(kind, data, minor);
}

static PyObject *
text(PyObject *line, Span s)
{
    return PyUnicode_Substring(line, s.start, s.end);
}

/* --- values kept once -------------------------------------------------------- */

/* The values the lines of a table repeat (filesystem types, sources,
   per-mount and super options, parent ids) are kept once: each mount
   refers to the first equal value read, in this table or an earlier one
   (the two captures of a diff share most of theirs), whichever reader read
   it (the Python reader asks shared() and shared_id()). Each cache is a
   dict by the value's text, emptied when it reaches its bound, so that a
   process that reads many tables does not keep them all. */
#define KEPT_TEXTS (1 << 16)
#define KEPT_IDS (1 << 12)
static PyObject *kept_texts = NULL; /* text -> itself */
static PyObject *kept_ids = NULL;   /* parent id text -> int */

/* The kept value of ``key`` (a str): the cached one, or a new one
   (``key`` itself, or its int) that is kept from now on. */
static PyObject *
kept(PyObject *cache, Py_ssize_t bound, PyObject *key, int as_int)
{
    if (!PyUnicode_Check(key)) {
        PyErr_SetString(PyExc_TypeError, "shared() and shared_id() take a str");
        return NULL;
    }
    PyObject *value = PyDict_GetItemWithError(cache, key); /* borrowed */
    if (value != NULL)
        return Py_NewRef(value);
    if (PyErr_Occurred())
        return NULL;
    value = as_int ? PyLong_FromUnicodeObject(key, 10) : Py_NewRef(key);
    if (value == NULL)
        return NULL;
    if (PyDict_GET_SIZE(cache) >= bound)
        PyDict_Clear(cache);
    if (PyDict_SetItem(cache, key, value) < 0)
        Py_CLEAR(value);
    return value;
}

/* kept() of the text of s */
static PyObject *
kept_piece(PyObject *cache, Py_ssize_t bound, PyObject *line, Span s, int as_int)
{
    PyObject *piece = text(line, s);
    if (piece == NULL)
        return NULL;
    PyObject *value = kept(cache, bound, piece, as_int);
    Py_DECREF(piece);
    return value;
}

static PyObject *
shared(PyObject *module, PyObject *value)
{
    return kept(kept_texts, KEPT_TEXTS, value, 0);
}

static PyObject *
shared_id(PyObject *module, PyObject *value)
{
    return kept(kept_ids, KEPT_IDS, value, 1);
}

/* The int of the digits of s (a plain number: is_plain_number()), made
   without a string when it fits a long long. */
static PyObject *
number(PyObject *line, Span s)
{
    if (s.end - s.start > 18) {
        PyObject *digits = text(line, s);
        if (digits == NULL)
            return NULL;
        PyObject *value = PyLong_FromUnicodeObject(digits, 10);
        Py_DECREF(digits);
        return value;
    }
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    long long value = 0;
    for (Py_ssize_t i = s.start; i < s.end; i++)
        value = value * 10 + (PyUnicode_READ(kind, data, i) - '0');
    return PyLong_FromLongLong(value);
}

/* The Mount of the plain line text[first:end] (line number ``lineno``),
   Py_None when it is not plain, NULL on an error. */
static PyObject *
read_line(PyObject *line, Py_ssize_t first, Py_ssize_t end, PyObject *lineno)
{
    Span head[6], optional, tail[3];
    int plain = split_plain(line, first, end, head, &optional, tail);
    if (plain < 0)
        return NULL;
    if (!plain)
        Py_RETURN_NONE;

    /* Each value is made only while no error is pending: the first that
       fails ends the line with its error. */
    PyObject *values[FIELD_COUNT] = {NULL};
    PyObject *mount = NULL;
    if ((values[TARGET] = text(line, head[4])) == NULL ||
        (values[SOURCE] = kept_piece(kept_texts, KEPT_TEXTS, line, tail[1], 0)) == NULL ||
        (values[FSTYPE] = kept_piece(kept_texts, KEPT_TEXTS, line, tail[0], 0)) == NULL ||
        (values[VFS_OPTIONS] = kept_piece(kept_texts, KEPT_TEXTS, line, head[5], 0)) == NULL ||
        (values[FS_OPTIONS] = kept_piece(kept_texts, KEPT_TEXTS, line, tail[2], 0)) == NULL ||
        (values[OPTIONS] = PyObject_CallFunctionObjArgs(merge, values[VFS_OPTIONS],
                                                        values[FS_OPTIONS], NULL)) == NULL ||
        (values[FSROOT] = text(line, head[3])) == NULL ||
        (values[MOUNT_ID] = number(line, head[0])) == NULL ||
        (values[PARENT_ID] = kept_piece(kept_ids, KEPT_IDS, line, head[1], 1)) == NULL ||
        (values[DEVNO] = text(line, head[2])) == NULL ||
        (values[OPTIONAL_FIELDS] = optional.start < 0 ? PyUnicode_New(0, 0)
                                                       : text(line, optional)) == NULL)
        goto error;
    values[LINE] = Py_NewRef(lineno);
    values[PROPAGATION_TEXT] = Py_NewRef(Py_None);
    values[RAW_LINE] = Py_NewRef(Py_None); /* the fields write the line back */
    values[TRUNCATED] = Py_NewRef(empty_tuple);
    values[LOSSY] = Py_NewRef(empty_tuple);
    values[TARGET_DELETED] = Py_NewRef(Py_False);
    values[EXTRA] = Py_NewRef(empty_tuple);
    if ((mount = mount_type->tp_alloc(mount_type, 0)) == NULL)
        goto error;
    for (int i = 0; i < FIELD_COUNT; i++)
        *(PyObject **)((char *)mount + offsets[i]) = values[i]; /* the slot owns it */
    return mount;
error:
    for (int i = 0; i < FIELD_COUNT; i++)
        Py_XDECREF(values[i]);
    return NULL;
}

static int
ready(PyObject *text)
{
    if (mount_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() was not called");
        return 0;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return 0;
#endif
    return 1;
}

static PyObject *
parse_line(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyLong_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "parse_line(line: str, lineno: int)");
        return NULL;
    }
    if (!ready(args[0]))
        return NULL;
    return read_line(args[0], 0, PyUnicode_GET_LENGTH(args[0]), args[1]);
}

/* ``mount`` as read from line ``lineno``: itself when it was, else a copy
   with that line number (every other slot the same). */
static PyObject *
on_line(PyObject *mount, PyObject *lineno)
{
    PyObject *line = *(PyObject **)((char *)mount + offsets[LINE]);
    int same = PyObject_RichCompareBool(line, lineno, Py_EQ);
    if (same < 0)
        return NULL;
    if (same)
        return Py_NewRef(mount);
    PyObject *copy = mount_type->tp_alloc(mount_type, 0);
    if (copy == NULL)
        return NULL;
    for (int i = 0; i < FIELD_COUNT; i++) {
        PyObject *value = i == LINE ? lineno : *(PyObject **)((char *)mount + offsets[i]);
        *(PyObject **)((char *)copy + offsets[i]) = Py_NewRef(value);
    }
    return copy;
}

/* The Mount of text[start:end], line ``lineno``: from ``known`` (a dict
   of line texts) when it is there, else read and added to it. Py_None
   when the line is neither there nor plain. */
static PyObject *
known_or_read(PyObject *known, PyObject *text, Py_ssize_t start, Py_ssize_t end,
              PyObject *lineno)
{
    PyObject *line = PyUnicode_Substring(text, start, end);
    if (line == NULL)
        return NULL;
    PyObject *mount, *found = PyDict_GetItemWithError(known, line); /* borrowed */
    if (found == NULL && PyErr_Occurred()) {
        mount = NULL;
    }
    else if (found == NULL) {
        mount = read_line(line, 0, end - start, lineno);
        if (mount != NULL && mount != Py_None && PyDict_SetItem(known, line, mount) < 0)
            Py_CLEAR(mount);
    }
    else if (Py_IS_TYPE(found, mount_type)) {
        mount = on_line(found, lineno);
    }
    else {
        mount = Py_NewRef(Py_None); /* not a Mount: left to the Python loop */
    }
    Py_DECREF(line);
    return mount;
}

/* The plain lines of ``text`` from ``start`` on, each ended by a newline,
   up to the first that is not plain or not ended: (their Mounts, where
   that line starts). Reading a chunk of a file this way makes no string
   of each line, which splitting it would (a fifth of the time it takes to
   read a line, and 16 MB at 50 000 lines).

   ``known``, a dict or None: the Mounts of lines read before, by the
   line's text. A line found there is not read again (its Mount is shared,
   or copied when its number differs), and each line read is added. */
static PyObject *
parse_lines(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyUnicode_Check(args[0]) || !PyLong_Check(args[1]) ||
        !PyLong_Check(args[2]) || (args[3] != Py_None && !PyDict_CheckExact(args[3]))) {
        PyErr_SetString(PyExc_TypeError,
                        "parse_lines(text: str, start: int, lineno: int, known: dict | None)");
        return NULL;
    }
    PyObject *text = args[0], *known = args[3] == Py_None ? NULL : args[3];
    if (!ready(text))
        return NULL;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    Py_ssize_t start = PyLong_AsSsize_t(args[1]);
    Py_ssize_t lineno = PyLong_AsSsize_t(args[2]);
    if ((start == -1 || lineno == -1) && PyErr_Occurred())
        return NULL;
    if (start < 0 || start > length) {
        PyErr_SetString(PyExc_ValueError, "parse_lines(): start is outside the text");
        return NULL;
    }
    PyObject *mounts = PyList_New(0);
    if (mounts == NULL)
        return NULL;
    while (start < length) {
        Py_ssize_t end = PyUnicode_FindChar(text, '\n', start, length, 1);
        if (end == -2)
            goto error;
        if (end == -1)
            break; /* not ended: the next chunk ends it */
        PyObject *number = PyLong_FromSsize_t(lineno);
        if (number == NULL)
            goto error;
        PyObject *mount = known != NULL ? known_or_read(known, text, start, end, number)
                                        : read_line(text, start, end, number);
        Py_DECREF(number);
        if (mount == NULL)
            goto error;
        if (mount == Py_None) {
            Py_DECREF(mount);
            break;
        }
        int appended = PyList_Append(mounts, mount);
        Py_DECREF(mount);
        if (appended < 0)
            goto error;
        start = end + 1;
        lineno++;
    }
    return Py_BuildValue("(Nn)", mounts, start);
error:
    Py_DECREF(mounts);
    return NULL;
}

/* --- findmnt's OPTIONS ------------------------------------------------------- */

/* An item of an option string: text[start:end]. */
typedef struct {
    Py_ssize_t start, end;
} Item;

/* The index of the first item called ``name`` (``name`` or ``name=...``)
   among the n items, or -1. */
static Py_ssize_t
first_named(const char *text, const Item *items, Py_ssize_t n, const char *name)
{
    size_t length = strlen(name);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t size = items[i].end - items[i].start;
        const char *item = text + items[i].start;
        if ((size_t)size >= length && memcmp(item, name, length) == 0 &&
            ((size_t)size == length || item[length] == '='))
            return i;
    }
    return -1;
}

/* Remove the first item called ``name``: 1 when there was one. */
static int
remove_first(const char *text, Item *items, Py_ssize_t *n, const char *name)
{
    Py_ssize_t i = first_named(text, items, *n, name);
    if (i < 0)
        return 0;
    memmove(items + i, items + i + 1, (*n - i - 1) * sizeof(Item));
    (*n)--;
    return 1;
}

/* merge_options(vfs, fs): mount.merge_options() (libmount's
   merge_optstr()), the reference it is tested against, for two ASCII
   strings; any other arguments are passed to that reference. Both are
   joined with a comma and split on commas outside double quotes (empty
   items dropped); up to two "rw" are removed, and "ro" as many times as
   needed to make two with them; "ro" goes in front if one was removed,
   else "rw". */
static PyObject *
merge_options(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "merge_options(vfs, fs)");
        return NULL;
    }
    PyObject *vfs = args[0], *fs = args[1];
    if (!PyUnicode_Check(vfs) || !PyUnicode_Check(fs) || !PyUnicode_IS_ASCII(vfs) ||
        !PyUnicode_IS_ASCII(fs)) {
        if (reference_merge == NULL) {
            PyErr_SetString(PyExc_RuntimeError, "configure() was not called");
            return NULL;
        }
        return PyObject_Vectorcall(reference_merge, args, 2, NULL);
    }
    int same = PyUnicode_Compare(vfs, fs) == 0;
    if (same)
        return Py_NewRef(vfs);
    Py_ssize_t vfs_length = PyUnicode_GET_LENGTH(vfs), fs_length = PyUnicode_GET_LENGTH(fs);
    Py_ssize_t length = vfs_length + 1 + fs_length;
    char *text = PyMem_Malloc(length + 1);
    /* at most one item a character, and one more */
    Item *items = PyMem_Malloc((length + 1) * sizeof(Item));
    PyObject *result = NULL;
    if (text == NULL || items == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(text, PyUnicode_1BYTE_DATA(vfs), vfs_length);
    text[vfs_length] = ',';
    memcpy(text + vfs_length + 1, PyUnicode_1BYTE_DATA(fs), fs_length);

    Py_ssize_t n = 0, start = 0;
    int quoted = 0;
    for (Py_ssize_t i = 0; i <= length; i++) {
        if (i < length && text[i] == '"')
            quoted = !quoted;
        if (i == length || (text[i] == ',' && !quoted)) {
            if (i > start)
                items[n++] = (Item){start, i};
            start = i + 1;
        }
    }
    int rw = remove_first(text, items, &n, "rw");
    rw += remove_first(text, items, &n, "rw");
    int ro = 0;
    if (rw != 2) {
        ro = remove_first(text, items, &n, "ro");
        if (ro + rw < 2)
            ro += remove_first(text, items, &n, "ro");
    }

    Py_ssize_t size = 2;
    for (Py_ssize_t i = 0; i < n; i++)
        size += 1 + items[i].end - items[i].start;
    result = PyUnicode_New(size, 127);
    if (result == NULL)
        goto done;
    char *to = (char *)PyUnicode_1BYTE_DATA(result);
    memcpy(to, ro ? "ro" : "rw", 2);
    to += 2;
    for (Py_ssize_t i = 0; i < n; i++) {
        *to++ = ',';
        memcpy(to, text + items[i].start, items[i].end - items[i].start);
        to += items[i].end - items[i].start;
    }
done:
    PyMem_Free(text);
    PyMem_Free(items);
    return result;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(mount_type, merge, reference_merge): what parse_line() builds with, and "
     "what merge_options() leaves to Python."},
    {"shared", shared, METH_O, "shared(text): the kept text equal to text (text when new)."},
    {"shared_id", shared_id, METH_O, "shared_id(text): the kept int of a parent id's text."},
    {"parse_line", (PyCFunction)(void (*)(void))parse_line, METH_FASTCALL,
     "parse_line(line, lineno): the Mount of a plain mountinfo line, or None."},
    {"parse_lines", (PyCFunction)(void (*)(void))parse_lines, METH_FASTCALL,
     "parse_lines(text, start, lineno, known): the Mounts of the plain (or known), ended "
     "lines from start on, and where the first other line starts."},
    {"merge_options", (PyCFunction)(void (*)(void))merge_options, METH_FASTCALL,
     "merge_options(vfs, fs): findmnt's OPTIONS, as mount.merge_options() makes it."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_mountinfo", "Plain mountinfo lines read in C.", -1, methods,
};

PyMODINIT_FUNC
PyInit__mountinfo(void)
{
    if ((kept_texts == NULL && (kept_texts = PyDict_New()) == NULL) ||
        (kept_ids == NULL && (kept_ids = PyDict_New()) == NULL))
        return NULL;
    return PyModule_Create(&module_def);
}
