"""mx.profiler: MXNet 1.9.1's API; records made where mxjax computes (sync points, cold-tier
ops, compiled calls).  Expected layouts, categories and phases were observed on real MXNet
1.9.1 running the same calls."""
import json
import os

import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, nd, profiler
from mxjax._engine import executor
from mxjax._engine import profiling as engine_profiling
from mxjax.base import MXNetError

# real MXNet 1.9.1's dumps() header and the row of a counter set to 5, +3, +2, -1, -4
MXNET_HEADER = ("Name                          Total Count        Time (ms)    Min Time (ms)    Max Time (ms)"
                "    Avg Time (ms)")
MXNET_RULE = ("----                          -----------        ---------    -------------    -------------"
              "    -------------")
MXNET_COUNTER_ROW = ("mycounter                               5           0.0050           0.0050           0.0100"
                     "           0.0020")


@pytest.fixture(autouse=True)
def fresh_profiler(monkeypatch, tmp_path):
    monkeypatch.setattr(profiler, "_profiler", profiler._Profiler())
    executor.plan_cache.clear()     # the test's structures start cold
    yield
    profiler.set_state("stop")
    profiler._profiler.output_enabled = False   # no exit dump from a test
    profiler._profiler.update_engine()
    assert not engine_profiling.active


def _table(text):
    """{category: {name: row fields}} from dumps()'s table."""
    tables, category, lines = {}, None, text.split("\n")
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and lines[i + 1] == "=================":
            category = tables.setdefault(line, {})
        elif category is not None and line and not line.startswith(("Name ", "----", "=====")):
            fields = line.rsplit(None, 5)
            category[fields[0]] = fields[1:]
    return tables


def _mlp_backward():
    x = nd.ones((3, 7))
    w = nd.ones((7, 5))
    w.attach_grad()
    with autograd.record():
        z = nd.relu(nd.dot(x, w)).sum()
    z.backward()
    return w.grad.asnumpy()


def test_config_errors_and_defaults(tmp_path):
    assert profiler.dumps() == ""                  # no aggregate_stats: MXNet returns ''
    with pytest.raises(MXNetError, match="Cannot find argument 'foo', Possible Arguments:"):
        profiler.set_config(foo=1)
    with pytest.raises(MXNetError, match="Invalid Parameter format for profile_all expect boolean but value='x'"):
        profiler.set_config(profile_all="x")
    with pytest.raises(KeyError):
        profiler.set_state("bogus")
    with pytest.raises(AssertionError, match="Invalid value provided for format: xml. Support: 'table', 'json'"):
        profiler.dumps(format="xml")
    with pytest.raises(AssertionError, match="Invalid value provided for sort_by: name"):
        profiler.dumps(sort_by="name")
    with pytest.raises(MXNetError, match="server"):
        profiler.set_state("run", profile_process="server")
    profiler.set_config(aggregate_stats=True, filename=str(tmp_path / "p.json"))
    assert profiler._profiler.config["profile_api"] is True and profiler._profiler.config["profile_all"] is False
    assert profiler.dumps().split("\n")[:3] == ["", "Profile Statistics:",
                                                "\tNote the difference in units for different entries."]
    profiler.dump()                                  # never ran: MXNet writes nothing
    assert not os.path.exists(tmp_path / "p.json")


def test_cold_ops_are_counted_like_mxnet(tmp_path):
    profiler.set_config(profile_all=True, aggregate_stats=True, filename=str(tmp_path / "p.json"))
    _mlp_backward()                                  # before 'run': not recorded
    executor.plan_cache.clear()
    profiler.set_state("run")
    assert engine_profiling.active
    np.testing.assert_array_equal(_mlp_backward(), np.full((7, 5), 3.0))
    profiler.set_state("stop")
    assert not engine_profiling.active
    ops = _table(profiler.dumps())["operator"]
    # MXNet 1.9.1 lists the same ops once each (and its own _ones, zeros_like, SetValueOp... bookkeeping)
    for name in ("dot", "relu", "sum", "_backward_sum", "_backward_relu", "_backward_dot"):
        assert ops[name][0] == "1", (name, ops)
    count, total, low, high, avg = (float(f) for f in ops["dot"])
    assert total > 0 and low == high == total == avg
    engine = _table(profiler.dumps())["engine"]
    assert engine["run_backward"][0] == "1"


def test_repeated_structure_is_one_compiled_entry(tmp_path):
    profiler.set_config(aggregate_stats=True, filename=str(tmp_path / "p.json"))
    profiler.set_state("run")
    for _ in range(4):
        _mlp_backward()
    profiler.set_state("stop")
    ops = _table(profiler.dumps(sort_by="count"))["operator"]
    assert ops["dot"][0] == "1"                      # only the first (cold) run is per op
    # the second runs compiled at the call, later ones are deferred whole-backward nodes
    # computed when the gradient is read: each is one entry listing its ops
    whole = {name: int(row[0]) for name, row in ops.items() if "(" in name}
    assert set(whole) <= {"_compiled_backward(dot, relu, sum)", "_backward(dot, relu, sum)"}, ops
    assert sum(whole.values()) == 3 and whole["_compiled_backward(dot, relu, sum)"] >= 1
    assert "_compiled_backward(dot, relu, sum)" in _table(profiler.dumps())["XLA compile"]


def test_pause_resume_and_reset(tmp_path):
    profiler.set_config(aggregate_stats=True, filename=str(tmp_path / "p.json"))
    profiler.set_state("run")
    (nd.ones((2, 9)) * 3).exp().wait_to_read()
    profiler.pause()
    assert not engine_profiling.active
    nd.exp(nd.ones((2, 9))).wait_to_read()
    profiler.resume()
    nd.exp(nd.ones((2, 9))).wait_to_read()
    ops = _table(profiler.dumps(reset=True))["operator"]
    assert ops["exp"][0] == "2"
    assert "operator" not in _table(profiler.dumps())


def test_objects_record_what_mxnet_records(tmp_path):
    filename = str(tmp_path / "objects.json")
    profiler.set_config(profile_all=True, aggregate_stats=True, filename=filename)
    profiler.set_state("run")
    domain = profiler.Domain("mydomain")
    assert str(domain) == "mydomain" and domain.name == "mydomain"
    task = domain.new_task("mytask")
    task.start()
    nd.ones((2, 2)).asnumpy()
    task.stop()
    frame = domain.new_frame("myframe")
    frame.start()
    frame.stop()
    event = profiler.Event("myevent")
    event.start()
    event.stop()
    counter = domain.new_counter("mycounter", 5)
    counter.increment(3)
    counter += 2
    counter.decrement(1)
    counter -= 4
    domain.new_marker("mymarker").mark("process")
    with pytest.raises(MXNetError, match="Invalid Input: 'galaxy'"):
        domain.new_marker("m").mark("galaxy")
    profiler.pause()
    paused = domain.new_task("paused")
    paused.start()
    paused.stop()
    profiler.resume()
    profiler.set_state("stop")
    text = profiler.dumps()
    lines = text.split("\n")
    assert MXNET_HEADER in lines and MXNET_RULE in lines and MXNET_COUNTER_ROW in lines
    tables = _table(text)
    assert tables["mydomain"]["mytask"][0] == "1" and "paused" not in tables["mydomain"]
    assert tables["mydomain,frame"]["myframe"][0] == "1"
    assert tables["event"]["myevent"][0] == "1"
    assert tables["mydomain,instant_marker"] == {}   # listed, no rows (as MXNet)
    stats = json.loads(profiler.dumps(format="json"))
    assert stats["Unit"] == {"Time": "ms", "Memory": "kB"} and stats["Memory"] == {}
    assert stats["Time"]["mydomain"]["mycounter"] == {"Count": 5, "Total": 0.005, "Min": 0.005, "Max": 0.01,
                                                      "Avg": 0.002}
    profiler.dump()
    trace = json.load(open(filename))
    events = trace["traceEvents"]
    assert trace["displayTimeUnit"] == "ms"
    phases = {}
    for e in events:
        phases.setdefault(e.get("cat"), []).append(e["ph"])
    assert phases["mydomain"] == ["b", "e", "C", "C", "C", "C", "C"]
    assert phases["mydomain,frame"] == ["(", ")"] and phases["event"] == ["B", "E"]
    assert phases["mydomain,instant_marker"] == ["n"]
    assert [e["args"]["mycounter"] for e in events if e["ph"] == "C"] == [5, 8, 10, 9, 5]
    marker = [e for e in events if e["ph"] == "n"][0]
    assert marker["s"] == "p" and marker["name"] == "mymarker"
    names = {e["args"]["name"]: e["pid"] for e in events if e["ph"] == "M"}
    assert all(e["pid"] == names[e["cat"]] for e in events if e["ph"] != "M")


def test_dump_writes_chrome_trace_json(tmp_path):
    filename = str(tmp_path / "trace.json")
    profiler.set_config(filename=filename)
    profiler.set_state("run")
    _mlp_backward()
    profiler.dump(finished=False)                    # a complete document, profiling goes on
    first = json.load(open(filename))["traceEvents"]
    nd.exp(nd.ones((4, 4))).wait_to_read()
    profiler.set_state("stop")
    profiler.dump()
    events = json.load(open(filename))["traceEvents"]
    assert len(events) > len(first) and events[:len(first)] == first
    ops = [e for e in events if e.get("cat") == "operator"]
    assert [e["ph"] for e in ops] == ["B", "E"] * (len(ops) // 2)
    for begin, end in zip(ops[::2], ops[1::2]):
        assert begin["name"] == end["name"] and end["ts"] >= begin["ts"] and begin["tid"] == end["tid"]
    assert {"dot", "relu", "sum", "_backward_dot", "exp"} <= {e["name"] for e in ops}
    assert any(e.get("args", {}).get("compile") for e in ops)      # first calls compiled a per-op jit
    os.remove(filename)
    profiler.dump()                                  # finished: output ended, nothing written
    assert not os.path.exists(filename)


def test_scope_names_operator_records(tmp_path):
    filename = str(tmp_path / "scope.json")
    profiler.set_config(filename=filename)
    profiler.set_state("run")
    with profiler.scope("outer") as outer:
        with profiler.scope("inner") as inner:
            nd.sin(nd.ones((3, 11))).wait_to_read()
    profiler.set_state("stop")
    profiler.dump()
    assert (outer, inner) == ("outer:", "outer:inner:")
    sin = [e for e in json.load(open(filename))["traceEvents"] if e.get("name") == "sin" and e["ph"] == "B"]
    assert sin and sin[0]["args"]["scope"] == "outer:inner:"


def test_profile_jax_writes_a_jax_trace(tmp_path):
    profiler.set_config(filename=str(tmp_path / "prof.json"), profile_jax=True)
    profiler.set_state("run")
    nd.cos(nd.ones((3, 13))).wait_to_read()
    profiler.set_state("stop")
    found = [f for _, _, files in os.walk(tmp_path / "prof_jax") for f in files]
    assert any(f.endswith(".xplane.pb") for f in found), found
