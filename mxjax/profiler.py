"""``mx.profiler``: MXNet 1.9.1's profiler API, timing where mxjax really computes.

The API is MXNet's: ``set_config(**kwargs)``, ``set_state('run'|'stop')``, ``pause()``,
``resume()``, ``dump(finished=True)`` (a Chrome-trace JSON file, ``filename``, for
chrome://tracing or Perfetto), ``dumps(reset, format, sort_by, ascending)`` (aggregate
statistics, with ``aggregate_stats=True``, as MXNet's table or JSON), and the objects
``Domain``, ``Task``, ``Frame``, ``Event``, ``Counter`` and ``Marker``, whose records
have MXNet's categories (the domain's name, ``<domain>,frame``, ``event``,
``<domain>,instant_marker``) and trace phases.  ``scope`` is MXNet 2.0's context manager
(1.9.1 has none): it names the operator records made inside it (``args.scope``).

What is timed differs from MXNet, because mxjax computes differently:

* MXNet runs each operator when it is called and times it in its engine.  mxjax records
  operators and computes them at sync points (``asnumpy``, ``wait_to_read``, ``backward``,
  printing...), so nothing is timed when an operator is called; the times come from the
  engine's work at the sync points (``mxjax/_engine/profiling.py``).
* A trace structure seen for the first time runs op by op (the cold tier): each op gets
  an ``operator`` record under its name, and each op's backward one named
  ``_backward_<op>``, as in MXNet.  While the profiler records, each of these is waited
  for, so its time is its execution.
* A structure that repeats runs as ONE compiled XLA call (the hot tier), reported as one
  ``operator`` record named after the ops it contains, e.g.
  ``_compiled_forward(_backward(FullyConnected*3, Activation*2, ...), _fused_update)``
  (a training step: the deferred backward and the fused optimizer update).  Per-op times
  exist only for the cold tier; XLA fuses ops, so there are none to give for a compiled
  call.  A hybridized block is one op, ``_hybrid_<block name>``.
* A call that first compiled its function (a per-op jit or a whole trace) is also listed
  under the ``XLA compile`` category (its time includes the compilation).
* With ``profile_api`` (default True), each sync point is timed under ``engine``
  (``materialize``, ``run_backward``), Python planning included, in place of MXNet's C API
  calls (``MXNET_C_API``), which mxjax does not have.
* ``profile_memory`` records nothing: mxjax does not see JAX's allocations (MXNet's
  ``Device Storage`` category).  ``profile_symbolic`` and ``profile_imperative`` both
  enable operator records (mxjax has one engine for both).
* MXNet appends to the file every ``dump_period`` seconds with ``continuous_dump``; mxjax
  writes the file at ``dump()`` (and at exit, as MXNet does, if still enabled), each time
  a complete JSON document holding every record since profiling started or since the
  last ``dump(finished=True)``.
* mxjax extension: ``set_config(profile_jax=True)`` also runs ``jax.profiler``'s trace
  while the state is 'run', into the folder ``<filename without .json>_jax/`` (for
  TensorBoard or Perfetto): XLA's own per-kernel view of the compiled calls.
"""
import atexit
import contextlib
import contextvars
import json
import os
import threading
import time
import warnings

from ._engine import profiling as _engine
from .base import MXNetError

__all__ = ["set_config", "set_state", "pause", "resume", "dump", "dumps", "scope", "Domain", "Task", "Frame",
           "Event", "Counter", "Marker", "profiler_set_config", "profiler_set_state", "dump_profile",
           "set_kvstore_handle"]

_PARAMS = {   # name: (kind, default, MXNet's description)
    "profile_all": (bool, False, "Profile all. Default is False."),
    "profile_symbolic": (bool, True, "Profile symbolic operators.  Default is True."),
    "profile_imperative": (bool, True, "Profile imperative operators.  Default is True."),
    "profile_memory": (bool, True, "Profile memory.  Default is True."),
    "profile_api": (bool, True, "Profile C API.  Default is True."),
    "filename": (str, "profile.json", "File name to write profiling info."),
    "continuous_dump": (bool, True, "Periodically dump (and append) profiling data to file while running. "
                                    "Default is True."),
    "dump_period": (float, 1.0, "When continuous dump is enabled, the period between subsequent profile "
                                "info dumping."),
    "aggregate_stats": (bool, False, "Maintain aggregate stats, required for MXDumpAggregateStats.  Note that "
                                     "this can have a negative performance impact. Default is False."),
    "profile_process": (str, "worker", "Specifies which process to profile: worker (the default) or server."),
    "profile_jax": (bool, False, "mxjax only: also record a jax.profiler trace into <filename>_jax/."),
}
_MEMORY_CATEGORIES = ("Device Storage", "Pool Memory")
_SORT_KEYS = ("total", "avg", "min", "max", "count")
_MARKER_SCOPES = {"global": "g", "process": "p", "thread": "t", "task": "p", "marker": "p"}


class _Profiler:
    """The process's profiler state (MXNet's ``Profiler::Get()``)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.config = {name: spec[1] for name, spec in _PARAMS.items()}
        self.running = False
        self.paused = False           # MXNet: user objects record unless paused, even before 'run'
        self.output_enabled = False   # set by 'run', cleared by dump(finished=True)
        self.events = []              # Chrome-trace events since output was enabled
        self.categories = {}          # category -> its pid in the trace
        self.stats = None             # with aggregate_stats: category -> name -> [kind, count, total, min, max]
        self.jax_trace = False
        self.origin = (time.time_ns() // 1000, time.perf_counter_ns())

    def timestamp(self, ns):
        """A ``perf_counter_ns`` reading as Chrome's microseconds since the epoch."""
        return self.origin[0] + (ns - self.origin[1]) // 1000

    def add(self, category, event):
        with self.lock:
            if category not in self.categories:
                pid = self.categories[category] = len(self.categories)
                self.events.append({"ph": "M", "args": {"name": category}, "pid": pid, "name": "process_name"})
            event["cat"], event["pid"] = category, self.categories[category]
            event.setdefault("tid", threading.get_ident())
            self.events.append(event)

    def aggregate(self, category, name, kind, value):
        """Add a duration (microseconds) or a counter's value to the statistics."""
        with self.lock:
            if self.stats is None:
                return
            entries = self.stats.setdefault(category, {})
            if name is None:
                return
            data = entries.get(name)
            if data is None:
                data = entries[name] = [kind, 0, 0, float("inf"), float("-inf")]
            data[1] += 1
            data[2] = data[2] + value if kind == "duration" else value
            data[3], data[4] = min(data[3], value), max(data[4], value)

    def duration(self, category, name, start_ns, end_ns, args=None, phases="BE", extra=None):
        """Record a start/end pair (Chrome phases ``phases``) and its aggregate."""
        base = dict(extra or {}, name=name)
        begin = dict(base, ph=phases[0], ts=self.timestamp(start_ns))
        if args:
            begin["args"] = args
        self.add(category, begin)
        self.add(category, dict(base, ph=phases[1], ts=self.timestamp(end_ns)))
        self.aggregate(category, name, "duration", (end_ns - start_ns) / 1000)

    def engine_record(self, category, name, start_ns, end_ns, args):
        """The engine's sink (``mxjax/_engine/profiling.py``)."""
        current = _scope.get()
        if current != _DEFAULT_SCOPE:
            args = dict(args or {}, scope=current)
        self.duration(category, name, start_ns, end_ns, args)

    def update_engine(self):
        """Tell the engine what to record: operators only while running, not paused."""
        on = self.running and not self.paused
        cfg = self.config
        _engine.record_ops = on and (cfg["profile_all"] or cfg["profile_symbolic"] or cfg["profile_imperative"])
        _engine.record_sync_points = on and (cfg["profile_all"] or cfg["profile_api"])
        _engine.sink = self.engine_record
        _engine.active = _engine.record_ops or _engine.record_sync_points


_profiler = _Profiler()
_exit_hook = []   # non-empty once the exit dump is registered
_DEFAULT_SCOPE = "<unk>:"
_scope = contextvars.ContextVar("mxjax_profiler_scope", default=_DEFAULT_SCOPE)


def _parse(name, value):
    kind = _PARAMS[name][0]
    text = str(value)
    if kind is bool:
        lowered = text.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise MXNetError(f"Invalid Parameter format for {name} expect boolean but value='{text}'")
    if kind is float:
        try:
            return float(text)
        except ValueError:
            raise MXNetError(f"Invalid Parameter format for {name} expect float but value='{text}'") from None
    return text


def _check_process(profile_process):
    if profile_process == "server":
        raise MXNetError("profile_process='server' profiles a distributed kvstore's server, which mxjax does not "
                         "have: profile the worker (the default)")
    if profile_process != "worker":
        raise KeyError(profile_process)


def set_config(**kwargs):
    """Configure the profiler (keywords only; the others return to their defaults, as in
    MXNet): ``filename`` ('profile.json'), ``profile_all`` (False), ``profile_symbolic``,
    ``profile_imperative``, ``profile_memory``, ``profile_api`` (True), ``continuous_dump``
    (True), ``dump_period`` (1.0), ``aggregate_stats`` (False, needed by ``dumps``),
    ``profile_process`` ('worker'), and mxjax's ``profile_jax`` (False)."""
    unknown = [name for name in kwargs if name not in _PARAMS]
    if unknown:
        listing = "\n".join(f"{name} : {spec[0].__name__}, optional, default={spec[1]!r}\n    {spec[2]}"
                            for name, spec in _PARAMS.items())
        raise MXNetError(f"Cannot find argument '{unknown[0]}', Possible Arguments:\n----------------\n{listing}")
    config = {name: spec[1] for name, spec in _PARAMS.items()}
    config.update({name: _parse(name, value) for name, value in kwargs.items()})
    if config["profile_process"] not in ("worker", "server"):
        raise MXNetError(f"Invalid Input: '{config['profile_process']}', valid values are: {{'server', 'worker'}}")
    _check_process(config["profile_process"])
    p = _profiler
    with p.lock:
        p.config = config
        if not config["aggregate_stats"]:
            p.stats = None
        elif p.stats is None:
            p.stats = {}
    p.update_engine()


def profiler_set_config(mode="symbolic", filename="profile.json"):
    """Deprecated MXNet form of ``set_config(profile_<mode>=True, filename=filename)``."""
    warnings.warn("profiler.profiler_set_config() is deprecated. Please use profiler.set_config() instead")
    set_config(**{"profile_" + mode: True, "filename": filename})


def _jax_trace_dir():
    return os.path.splitext(_profiler.config["filename"])[0] + "_jax"


def set_state(state="stop", profile_process="worker"):
    """'run' starts recording (and enables the output file), 'stop' stops it."""
    running = {"stop": False, "run": True}[state]
    _check_process(profile_process)
    p = _profiler
    p.running = running
    p.paused = not running
    if running:
        p.output_enabled = True
        if not _exit_hook:
            atexit.register(_dump_at_exit)
            _exit_hook.append(True)
    if running and p.config["profile_jax"] and not p.jax_trace:
        import jax
        jax.profiler.start_trace(_jax_trace_dir())
        p.jax_trace = True
    elif not running and p.jax_trace:
        import jax
        jax.profiler.stop_trace()
        p.jax_trace = False
    p.update_engine()


def profiler_set_state(state="stop"):
    """Deprecated MXNet form of ``set_state``."""
    warnings.warn("profiler.profiler_set_state() is deprecated. Please use profiler.set_state() instead")
    set_state(state)


def pause(profile_process="worker"):
    """Stop recording until ``resume()`` (operators and the profiling objects alike)."""
    _check_process(profile_process)
    _profiler.paused = True
    _profiler.update_engine()


def resume(profile_process="worker"):
    """Resume recording after ``pause()``."""
    _check_process(profile_process)
    _profiler.paused = False
    _profiler.update_engine()


def set_kvstore_handle(handle):
    """MXNet passes its kvstore for server profiling; mxjax profiles only the worker."""


def dump(finished=True, profile_process="worker"):
    """Write the records to ``filename`` as Chrome-trace JSON (``traceEvents``, then
    ``displayTimeUnit`` 'ms').  Nothing is written unless the profiler ran since the last
    finished dump.  ``finished=True`` ends the output: later records go to the next file
    that a new ``set_state('run')`` enables."""
    _check_process(profile_process)
    p = _profiler
    with p.lock:
        if not p.output_enabled:
            return
        document = {"traceEvents": list(p.events), "displayTimeUnit": "ms"}
        if finished is True:
            p.output_enabled = False
            p.events, p.categories = [], {}
    with open(p.config["filename"], "w") as f:
        json.dump(document, f, indent=4)
        f.write("\n")


def dump_profile():
    """Deprecated MXNet form of ``dump(True)``."""
    warnings.warn("profiler.dump_profile() is deprecated. Please use profiler.dump() instead")
    dump(True)


def _dump_at_exit():
    if _profiler.jax_trace:
        set_state("stop")
    dump(True)


def _sorted_entries(entries, sort_by, ascending):
    """MXNet's order: by the statistic, largest first (smallest with ``ascending``), ties by
    name in reverse."""
    def value(data):
        kind, count, total, low, high = data
        if sort_by == "total":
            return total
        if sort_by == "avg":
            return (high - low) // 2 if kind == "counter" else total / count
        return {"min": low, "max": high, "count": count}[sort_by]
    keyed = [((-1 if ascending else 1) * value(data), name) for name, data in entries.items()]
    return [name for _, name in sorted(keyed, reverse=True)]


def _row_values(data):
    """(count, total, min, max, avg) in MXNet's units: ms for times, the value / 1000 for
    counters (MXNet divides every statistic by 1000 for printing)."""
    kind, count, total, low, high = data
    avg = (high - low) // 2 if kind == "counter" else total / count
    return count, total / 1000, low / 1000, high / 1000, avg / 1000


def _table(stats, sort_by, ascending):
    lines = ["", "Profile Statistics:", "\tNote the difference in units for different entries."]
    for category in sorted(stats):
        entries = stats[category]
        memory = category in _MEMORY_CATEGORIES
        lines += [category, "================="]
        if memory:
            lines.append(f"{'Name':<25}{'Total Count':>16} {'Min Use  (kB)':>16} {'Max Use  (kB)':>16} "
                         f"{'Avg Use  (kB)':>16}")
            lines.append(f"{'----':<25}{'-----------':>16} {'-------------':>16} {'-------------':>16} "
                         f"{'-------------':>16}")
        else:
            lines.append(f"{'Name':<25}{'Total Count':>16} {'Time (ms)':>16} {'Min Time (ms)':>16} "
                         f"{'Max Time (ms)':>16} {'Avg Time (ms)':>16}")
            lines.append(f"{'----':<25}{'-----------':>16} {'---------':>16} {'-------------':>16} "
                         f"{'-------------':>16} {'-------------':>16}")
        for name in _sorted_entries(entries, sort_by, ascending):
            count, total, low, high, avg = _row_values(entries[name])
            times = (low, high, avg) if memory else (total, low, high, avg)
            lines.append(f"{name:<25}{count:>16} " + " ".join(f"{t:>16.4f}" for t in times))
        lines.append("")
    return "\n".join(lines) + "\n"


def _g4(value):
    """C++'s ``setprecision(4)`` default float format."""
    return f"{value:.4g}"


def _json(stats, sort_by, ascending):
    sections = {False: [], True: []}
    for category in sorted(stats):
        entries = stats[category]
        memory = category in _MEMORY_CATEGORIES
        rows = []
        for name in _sorted_entries(entries, sort_by, ascending):
            count, total, low, high, avg = _row_values(entries[name])
            fields = [f'                "Count": {count}']
            if not memory:
                fields.append(f'                "Total": {_g4(total)}')
            fields += [f'                "Min": {_g4(low)}', f'                "Max": {_g4(high)}',
                       f'                "Avg": {_g4(avg)}']
            rows.append(f'            "{name}": {{\n' + ",\n".join(fields) + "\n            }\n")
        sections[memory].append(f'        "{category}": {{\n' + "            ,\n".join(rows) + "        }\n")
    return ("{\n    \"Time\": {\n" + "        ,\n".join(sections[False]) + "    }\n    ,\n"
            "    \"Memory\": {\n" + "        ,\n".join(sections[True]) + "    }\n,\n"
            "    \"Unit\": {\n        \"Time\": \"ms\",\n        \"Memory\": \"kB\"\n    }\n}\n")


def dumps(reset=False, format="table", sort_by="total", ascending=False):
    """The aggregate statistics (``set_config(aggregate_stats=True)``; else '') as MXNet
    prints them: one table per category (Name, Total Count, Time, Min, Max, Avg in ms),
    categories by name, entries by ``sort_by`` ('total', 'avg', 'min', 'max', 'count'),
    largest first unless ``ascending``; or the same as JSON (``format='json'``).  ``reset``
    clears the statistics after printing them."""
    assert format in ("table", "json"), f"Invalid value provided for format: {format}. Support: 'table', 'json'"
    assert sort_by in _SORT_KEYS, (f"Invalid value provided for sort_by: {sort_by}.             Support: "
                                   "'total', 'avg', 'min', 'max', 'count'")
    assert ascending in (False, True), f"Invalid value provided for ascending: {ascending}. Support: False, True"
    assert reset in (False, True), f"Invalid value provided for reset: {reset}. Support: False, True"
    p = _profiler
    with p.lock:
        if p.stats is None:
            return ""
        stats = {category: {name: list(data) for name, data in entries.items()}
                 for category, entries in p.stats.items()}
        if reset:
            p.stats = {}
    return _table(stats, sort_by, ascending) if format == "table" else _json(stats, sort_by, ascending)


@contextlib.contextmanager
def scope(name="<unk>:", append_mode=True):
    """MXNet 2.0's profiler scope (not in 1.9.1): operator records made inside carry
    ``args.scope`` = ``name`` (with a ':' appended; nested in the enclosing scope's name
    with ``append_mode``).  Yields the scope's full name."""
    name = name if name.endswith(":") else name + ":"
    current = _scope.get()
    if append_mode and current != _DEFAULT_SCOPE:
        name = current + name
    token = _scope.set(name)
    try:
        yield name
    finally:
        _scope.reset(token)


# ---- the profiling objects ---------------------------------------------------------------------

def _recording():
    return not _profiler.paused


class Domain:
    """A group of profiling objects: its name is their category in the output."""

    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name

    def new_task(self, name):
        return Task(self, name)

    def new_frame(self, name):
        return Frame(self, name)

    def new_counter(self, name, value=None):
        return Counter(self, name, value)

    def new_marker(self, name):
        return Marker(self, name)


class _Duration:
    """A timed span between ``start()`` and ``stop()``."""
    _phases = "BE"

    def __init__(self, name, category):
        self.name = name
        self._category = category
        self._start = None

    def start(self):
        """Start timing."""
        self._start = _engine.now()

    def stop(self):
        """Stop timing: record the span since ``start()`` (nothing while paused)."""
        start, self._start = self._start, None
        if start is not None and _recording():
            self._record(start, _engine.now())

    def _record(self, start, end):
        _profiler.duration(self._category, self.name, start, end, phases=self._phases)

    def __str__(self):
        return self.name


class Task(_Duration):
    """A unit of work of one thread; its passes are aggregated under its name in the
    domain's category (Chrome phases 'b'/'e')."""

    def __init__(self, domain, name):
        super().__init__(name, domain.name)

    def _record(self, start, end):
        ident = threading.get_ident()
        _profiler.duration(self._category, self.name, start, end, phases="be", extra={"id": ident})


class Frame(_Duration):
    """A frame (one pass of a repeated process), category ``<domain>,frame`` (phases '(' and ')')."""
    _phases = "()"

    def __init__(self, domain, name):
        super().__init__(name, f"{domain.name},frame")


class Event(_Duration):
    """A timed region, category ``event``."""

    def __init__(self, name):
        super().__init__(name, "event")


class Counter:
    """A value tracked over time (Chrome 'C' records; aggregated as count, last value, min,
    max)."""

    def __init__(self, domain, name, value=None):
        self.name = name
        self._category = domain.name
        self._value = 0
        if value is not None:
            self.set_value(value)

    def set_value(self, value):
        self._value = int(value)
        if _recording():
            _profiler.add(self._category, {"name": self.name, "ph": "C", "ts": _profiler.timestamp(_engine.now()),
                                           "args": {self.name: self._value}})
            _profiler.aggregate(self._category, self.name, "counter", self._value)

    def increment(self, delta=1):
        self.set_value(self._value + int(delta))

    def decrement(self, delta=1):
        self.set_value(self._value - int(delta))

    def __iadd__(self, delta):
        self.increment(delta)
        return self

    def __isub__(self, delta):
        self.decrement(delta)
        return self

    def __str__(self):
        return self.name


class Marker:
    """An instant, category ``<domain>,instant_marker`` (phase 'n', Chrome scope 'g', 'p' or 't')."""

    def __init__(self, domain, name):
        self.name = name
        self.domain = domain

    def mark(self, scope="process"):
        """Mark now; ``scope`` is 'global', 'process', 'thread', 'task' or 'marker'."""
        if scope not in _MARKER_SCOPES:
            raise MXNetError(f"Invalid Input: '{scope}', valid values are: {{'global', 'marker', 'process', "
                             "'task', 'thread'}")
        if _recording():
            category = f"{self.domain.name},instant_marker"
            _profiler.add(category, {"name": self.name, "ph": "n", "ts": _profiler.timestamp(_engine.now()),
                                     "s": _MARKER_SCOPES[scope]})
            _profiler.aggregate(category, None, None, None)
