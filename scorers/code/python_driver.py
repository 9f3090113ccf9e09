# assay's Python test driver. It runs inside the sandbox as `python3 -I -B driver.py`, next to
# job.json (written by the code_exec scorer). It reads a per-execution secret from fd 3, runs the
# job, and only when every test has been run writes one JSON line to fd 4:
#   {"sentinel": SECRET, "groups": {NAME: {"passed": P, "total": T, "failure": TEXT,
#                                          "timed_out": BOOL}, ...}}
# The scorer treats an execution without that line (early exit, crash, kill) as failed, so
# `sys.exit(0)` or `os._exit(0)` in model code can never pass.
import builtins
import copy
import io
import json
import math
import os
import signal
import subprocess
import sys
import time

_SECRET = os.read(3, 256).decode("ascii")
os.close(3)
_RESULT_FD = 4


class TestTimeout(BaseException):
    """Raised by the per-test alarm; a BaseException so `except Exception` in model code
    cannot swallow it."""


def _on_alarm(signum, frame):
    raise TestTimeout("time limit exceeded")


signal.signal(signal.SIGALRM, _on_alarm)


class _Limit:
    """Arms SIGALRM for one test."""

    def __init__(self, seconds):
        self.seconds = seconds

    def __enter__(self):
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        return False


class _Sink(io.StringIO):
    """Swallows what model code prints during differential tests (as EvalPlus does)."""

    def write(self, s):
        return len(s)


def _short(text, limit=300):
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "..."


def _finish(groups):
    line = json.dumps({"sentinel": _SECRET, "groups": groups}) + "\n"
    os.write(_RESULT_FD, line.encode("utf-8"))
    os.close(_RESULT_FD)


# ---- mode "program": a test script that raises on failure (HumanEval style) ----


def run_program(job):
    code = compile(job["program"], "solution.py", "exec")
    scope = {"__name__": "__main__", "__builtins__": builtins}
    exec(code, scope)
    sys.stdout.flush()
    _finish({"tests": {"passed": 1, "total": 1, "failure": "", "timed_out": False}})


# ---- mode "evalplus": differential testing against the canonical solution (MBPP+) ----

# EvalPlus stores tuples, sets and complex numbers as JSON lists/strings; these task numbers
# get their inputs converted back before any call (evalplus/data/mbpp.py).
_TUPLE_ARGS = {2, 116, 132, 143, 222, 261, 273, 394, 399, 421, 424, 429, 470, 560, 579, 596, 616,
               630, 726, 740, 744, 809}
_TUPLES_IN_LISTS = {63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780}
_FIRST_ARG_TUPLE_LIST = {75, 413, 444, 753}
_SECOND_ARG_TUPLE = {106, 750}
_FIRST_ARG_TUPLE = {250, 405, 446, 617, 720, 763, 808}
_NESTED_TUPLES = {259, 401, 445}
_ALL_TUPLES = {580, 615, 791}

# Tasks whose outputs are compared as sets, or only for "not None" (evalplus special oracles).
_SET_EQ = {"similar_elements", "find_char_long", "common_in_nested_lists", "extract_singly",
           "larg_nnum", "intersection_array", "find_dissimilar", "Diff"}
_NOT_NONE = {"check_str", "text_match_three", "text_starta_endb"}


def _all_tuples(x):
    return tuple(_all_tuples(i) for i in x) if isinstance(x, list) else x


def deserialize_inputs(task_id, inputs):
    n = int(str(task_id).split("/")[-1])
    if n in _TUPLE_ARGS:
        return [[tuple(a) for a in inp] for inp in inputs]
    if n in _TUPLES_IN_LISTS:
        return [[[tuple(x) for x in a] for a in inp] for inp in inputs]
    if n in _FIRST_ARG_TUPLE_LIST:
        return [[[tuple(x) for x in inp[0]]] + [inp[1]] for inp in inputs]
    if n in _SECOND_ARG_TUPLE:
        return [[inp[0]] + [tuple(inp[1])] for inp in inputs]
    if n == 115:
        return [[[set(x) if isinstance(x, list) and len(x) else {} for x in inp[0]]]
                for inp in inputs]
    if n == 124:
        return [(float(inp[0]), complex(inp[1])) for inp in inputs]
    if n in _FIRST_ARG_TUPLE:
        return [[tuple(inp[0])] + [inp[1]] for inp in inputs]
    if n in _NESTED_TUPLES:
        inner = [[[tuple(x) for x in a] for a in inp] for inp in inputs]
        return [[tuple(a) for a in inp] for inp in inner]
    if n == 278:
        inner = [[[tuple(x) if isinstance(x, list) else x for x in inp[0]]] for inp in inputs]
        return [[tuple(a) for a in inp] for inp in inner]
    if n == 307:
        return [[tuple(inp[0])] + [inp[1], inp[2]] for inp in inputs]
    if n == 722:
        return [[{k: tuple(v) for k, v in inp[0].items()}] + inp[1:] for inp in inputs]
    if n == 252:
        return [[complex(inp[0])] for inp in inputs]
    if n in _ALL_TUPLES:
        return [_all_tuples(inp) for inp in inputs]
    return inputs


def _surface_area(base_edge, height):
    slant = math.sqrt((base_edge / 2) ** 2 + height ** 2)
    return round(base_edge ** 2 + 4 * (base_edge * slant) / 2)


def _digit_distance(a, b):
    x, y = str(a), str(b)
    width = max(len(x), len(y))
    return sum(abs(int(p) - int(q)) for p, q in zip(x.zfill(width), y.zfill(width)))


def _is_floats(x):
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)) and x:
        return all(isinstance(i, float) for i in x)
    return False


def _close(out, exp, atol, rtol=1e-07):
    # numpy.allclose over scalars and (nested) lists/tuples, without numpy.
    if isinstance(exp, (list, tuple)):
        return (isinstance(out, (list, tuple)) and len(out) == len(exp)
                and all(_close(o, e, atol, rtol) for o, e in zip(out, exp)))
    if isinstance(out, (list, tuple)):
        return all(_close(o, exp, atol, rtol) for o in out)
    try:
        return abs(out - exp) <= atol + rtol * abs(exp)
    except TypeError:
        return False


def _matches(entry_point, inp, out, exp, atol):
    exact = out == exp
    if entry_point == "are_equivalent":
        exact = True
    elif entry_point == "sum_div":
        exact = exact or out == 0
    elif entry_point == "surface_Area":
        exact = exact or abs(out - _surface_area(*inp)) <= atol
    elif entry_point == "digit_distance_nums":
        exact = exact or out == _digit_distance(*inp)
    elif entry_point in _SET_EQ:
        exact = set(out) == set(exp)
    elif entry_point in _NOT_NONE:
        exact = out == exp if isinstance(out, bool) else exp == (out is not None)
    if atol == 0 and _is_floats(exp):
        atol = 1e-6
    if not exact and atol != 0:
        if type(out) != type(exp):
            return False
        if isinstance(exp, (list, tuple)) and len(out) != len(exp):
            return False
        return bool(_close(out, exp, atol))
    return bool(exact)


def _load_function(source, entry_point, filename):
    scope = {"__name__": "__assay__", "__builtins__": builtins}
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = _Sink()
    try:
        exec(compile(source, filename, "exec"), scope)
    finally:
        sys.stdout, sys.stderr = saved
    return scope[entry_point]


def run_evalplus(job):
    entry_point = job["entry_point"]
    atol = float(job.get("atol") or 0)
    groups = {}
    inputs = {}
    for name in ("base", "plus"):
        raw = job.get(name + "_input")
        if raw is None:
            continue
        inputs[name] = deserialize_inputs(job["task_id"], json.loads(raw))
    reference = _load_function(job["reference"], entry_point, "reference.py")
    expected = {}
    for name, group in inputs.items():
        outs, times = [], []
        for inp in group:
            start = time.perf_counter()
            out = reference(*copy.deepcopy(inp))
            times.append(time.perf_counter() - start)
            outs.append(out is not None if entry_point in _NOT_NONE else out)
        expected[name] = (outs, times)
    candidate = _load_function(job["program"], entry_point, "solution.py")
    factor = float(job.get("time_factor", 4.0))
    floor = float(job.get("min_time_limit", 1.0))
    for name, group in inputs.items():
        outs, times = expected[name]
        passed, failure, timed_out = 0, "", False
        for i, inp in enumerate(group):
            shown = _short(repr(inp), 160)
            try:
                saved = sys.stdout, sys.stderr
                sys.stdout = sys.stderr = _Sink()
                try:
                    with _Limit(max(floor, factor * times[i])):
                        out = candidate(*copy.deepcopy(inp))
                finally:
                    sys.stdout, sys.stderr = saved
                ok = _matches(entry_point, inp, out, outs[i], atol)
                if not ok:
                    failure = "%s input #%d %s: expected %s, got %s" % (
                        name, i, shown, _short(repr(outs[i]), 120), _short(repr(out), 120))
            except TestTimeout:
                failure = "%s input #%d %s: time limit exceeded" % (name, i, shown)
                timed_out = True
            except BaseException as e:  # model code may raise anything, even SystemExit
                failure = "%s input #%d %s: %s: %s" % (name, i, shown, type(e).__name__,
                                                     _short(e, 160))
            if failure:
                break
            passed += 1
        groups[name] = {"passed": passed, "total": len(group), "failure": failure,
                        "timed_out": timed_out}
    _finish(groups)


# ---- mode "stdio": a program reading stdin, compared line by line (LiveCodeBench style) ----


def _lines(text):
    return [line.strip() for line in text.strip().splitlines()]


def _same_output(got, want):
    a, b = _lines(got), _lines(want)
    if a == b:
        return True
    if len(a) != len(b):
        return False
    from decimal import Decimal, InvalidOperation
    for x, y in zip(a, b):
        if x == y:
            continue
        xs, ys = x.split(), y.split()
        if len(xs) != len(ys):
            return False
        for p, q in zip(xs, ys):
            if p == q:
                continue
            try:
                if Decimal(p) != Decimal(q):
                    return False
            except InvalidOperation:
                return False
    return True


def run_stdio(job):
    with open("solution.py", "w") as f:
        f.write(job["program"])
    tests = job["tests"]
    limit = float(job.get("test_timeout", 6.0))
    passed, failure, timed_out = 0, "", False
    for i, test in enumerate(tests):
        try:
            done = subprocess.run([sys.executable, "-I", "-B", "solution.py"],
                                  input=test["input"], capture_output=True, text=True,
                                  timeout=limit)
        except subprocess.TimeoutExpired:
            failure = "test #%d: time limit exceeded" % i
            timed_out = True
            break
        if done.returncode != 0:
            failure = "test #%d: exit code %d: %s" % (i, done.returncode,
                                                     _short(done.stderr.strip()[-300:]))
            break
        if not _same_output(done.stdout, test["output"]):
            failure = "test #%d: expected %s, got %s" % (i, _short(repr(test["output"]), 120),
                                                        _short(repr(done.stdout), 120))
            break
        passed += 1
    _finish({"tests": {"passed": passed, "total": len(tests), "failure": failure,
                       "timed_out": timed_out}})


def main():
    with open("job.json", encoding="utf-8") as f:
        job = json.load(f)
    os.remove("job.json")
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)
    mode = job["mode"]
    if mode == "program":
        run_program(job)
    elif mode == "evalplus":
        run_evalplus(job)
    elif mode == "stdio":
        run_stdio(job)
    else:
        raise ValueError("unknown mode " + mode)


main()
