"""mx.optimizer against MXNet 1.9.1.

Every built-in optimizer runs four steps on fixed weights and gradients through an
``Updater`` (as gluon's Trainer calls it) and is compared with the weights MXNet 1.9.1
produced after each step (tests/reference/data/gluon/optimizers.*, recorded by
tools/record_mxnet_optimizers.py).  The rest checks MXNet's API: create/register,
defaults, multipliers, learning-rate handling, states, multi-precision, errors.
"""
import builtins
import json
import os
import pickle
import warnings

import numpy as np
import numpy.testing as npt
import pytest

import mxjax as mx
from mxjax import nd
from mxjax.optimizer import optimizer as opt_module

DATA = os.path.join(os.path.dirname(__file__), "reference", "data", "gluon", "optimizers")
with open(DATA + ".json") as fh:
    META = json.load(fh)
REF = np.load(DATA + ".npz")
WEIGHTS = [REF["opt_inputs/weight0"], REF["opt_inputs/weight1"]]
GRADS = [[REF[f"opt_inputs/grad{s}_{k}"] for k in range(2)] for s in range(META["steps"])]
TOL = {"float16": dict(rtol=2e-3, atol=2e-3), "float32": dict(rtol=1e-5, atol=1e-6),
       "float64": dict(rtol=1e-5, atol=1e-6)}


def make_optimizer(name, kwargs):
    kwargs = dict(kwargs)
    idx2name = kwargs.pop("idx2name", None)
    lr_mult = kwargs.pop("lr_mult", None)
    wd_mult = kwargs.pop("wd_mult", None)
    if "lr_scheduler" in kwargs:
        cls, args = kwargs["lr_scheduler"]
        kwargs["lr_scheduler"] = getattr(mx.lr_scheduler, cls)(**args)
    if idx2name:
        kwargs["param_idx2name"] = {int(k): v for k, v in idx2name.items()}
    opt = mx.optimizer.create(name, **kwargs)

    def keys(d):
        return {int(k) if k.isdigit() else k: v for k, v in d.items()}
    if lr_mult:
        opt.set_lr_mult(keys(lr_mult))
    if wd_mult:
        opt.set_wd_mult(keys(wd_mult))
    return opt


CASES = META["optimizer_cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_updater_steps_match_mxnet(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the float16-without-multi_precision warning
        opt = make_optimizer(case["name"], case["kwargs"])
        updater = mx.optimizer.get_updater(opt)
        weights = [nd.array(w, dtype=case["dtype"]) for w in WEIGHTS]
        if "error" in case:
            with pytest.raises(getattr(builtins, case["error"])) as err:
                updater([0, 1], [nd.array(g, dtype=case["dtype"]) for g in GRADS[0]], weights)
            assert str(err.value) == case["message"]
            return
        for s in range(META["steps"]):
            updater([0, 1], [nd.array(g, dtype=case["dtype"]) for g in GRADS[s]], weights)
            for k, w in enumerate(weights):
                assert w.dtype == np.dtype(case["dtype"])
                npt.assert_allclose(w.asnumpy(), REF[f"opt/{case['id']}/step{s}/{k}"], **TOL[case["dtype"]],
                                    err_msg=f"step {s}, weight {k}")
            assert opt.learning_rate == pytest.approx(float(REF[f"opt/{case['id']}/lr{s}"]), rel=1e-12)
    assert opt.num_update == case["num_update"]


def test_update_per_index_matches_mxnet():
    """``Optimizer.update(index, weight, grad, state)`` one parameter at a time."""
    opt = mx.optimizer.Adam(learning_rate=0.05, wd=0.01)
    weights = [nd.array(w) for w in WEIGHTS]
    states = [opt.create_state(i, w) for i, w in enumerate(weights)]
    for s in range(META["steps"]):
        for i, w in enumerate(weights):
            opt.update(i, w, nd.array(GRADS[s][i]), states[i])
        for k, w in enumerate(weights):
            npt.assert_allclose(w.asnumpy(), REF[f"single/adam/step{s}/{k}"], rtol=1e-5, atol=1e-6)


def test_update_counts_are_per_index():
    """Bias correction uses each index's own count; num_update is the largest."""
    opt = mx.optimizer.Adam(learning_rate=0.05)
    weights = [nd.array(w) for w in WEIGHTS]
    states = [opt.create_state(i, w) for i, w in enumerate(weights)]
    for s in range(META["steps"]):
        opt.update(1, weights[1], nd.array(GRADS[s][1]), states[1])
        if s % 2 == 0:
            opt.update(0, weights[0], nd.array(GRADS[s][0]), states[0])
    for k, w in enumerate(weights):
        npt.assert_allclose(w.asnumpy(), REF[f"single/adam_uneven/{k}"], rtol=1e-5, atol=1e-6)
    assert opt.num_update == int(REF["single/adam_uneven/num_update"]) == 4
    assert opt._index_update_count == {0: 2, 1: 4}


def test_sgd_update_accepts_lists_like_mxnet():
    opt = mx.optimizer.SGD(learning_rate=0.1)
    ws = [nd.ones((2,)), nd.ones((3,))]
    opt.update([0, 1], ws, [nd.ones((2,)), nd.ones((3,))], [None, None])
    npt.assert_allclose(ws[1].asnumpy(), [0.9, 0.9, 0.9], rtol=1e-6)
    assert opt._index_update_count == {0: 1, 1: 1}


# ---- defaults, registry, create ---------------------------------------------------------------
# recorded from MXNet 1.9.1: mx.optimizer.create(name).learning_rate
DEFAULT_LRS = {"sgd": 0.01, "nag": 0.01, "adam": 0.001, "adagrad": 0.01, "adadelta": 0.01, "rmsprop": 0.001,
               "ftrl": 0.1, "signum": 0.01, "lamb": 0.001, "adamax": 0.002, "nadam": 0.001, "ftml": 0.01,
               "dcasgd": 0.01, "sgld": 0.01, "test": 0.01, "ccsgd": 0.01, "lars": 0.01, "lbsgd": 0.01}


@pytest.mark.parametrize("name", sorted(DEFAULT_LRS))
def test_default_learning_rates(name):
    opt = mx.optimizer.create(name)
    assert opt.learning_rate == opt.lr == DEFAULT_LRS[name]
    assert opt.wd == 0.0 and opt.rescale_grad == 1.0 and opt.clip_gradient is None
    assert opt.num_update == 0 and opt.begin_num_update == 0
    assert type(opt).__name__.lower() == name


def test_class_names_and_registry():
    names = {"SGD", "NAG", "Adam", "AdaGrad", "AdaDelta", "RMSProp", "Ftrl", "Signum", "LAMB", "Adamax", "Nadam",
             "FTML", "DCASGD", "SGLD", "LARS", "LBSGD", "Test", "ccSGD", "Optimizer", "Updater", "create",
             "get_updater", "register"}
    assert names <= set(dir(mx.optimizer))
    assert mx.optimizer.create is mx.optimizer.Optimizer.create_optimizer
    assert isinstance(mx.optimizer.create("AdaM", learning_rate=0.1), mx.optimizer.Adam)
    assert mx.optimizer.Optimizer.opt_registry["lamb"] is mx.optimizer.LAMB
    assert mx.optimizer.optimizer.SGD is mx.optimizer.SGD


def test_create_errors():
    with pytest.raises(ValueError, match="^Cannot find optimizer foo$"):
        mx.optimizer.create("foo")
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        mx.optimizer.SGD(foo=1)


def test_register_custom_python_optimizer():
    """A registered optimizer with its own ``update`` runs its Python code (MXNet's path)."""
    @mx.optimizer.register
    class MyMomentum(mx.optimizer.Optimizer):
        def create_state(self, index, weight):
            return nd.zeros(weight.shape, weight.context)

        def update(self, index, weight, grad, state):
            self._update_count(index)
            state[:] += grad
            weight[:] -= self._get_lr(index) * state
    try:
        opt = mx.optimizer.create("mymomentum", learning_rate=0.5)
        updater = mx.optimizer.get_updater(opt)
        w = nd.ones((2,))
        for _ in range(2):
            updater(0, nd.ones((2,)) * 0.2, w)
        npt.assert_allclose(w.asnumpy(), [0.7, 0.7], rtol=1e-6)  # recorded from MXNet 1.9.1
        assert opt.num_update == 2 and not opt._is_fused()
        # multi_precision through the base class: float32 master copy in the state
        opt = mx.optimizer.create("mymomentum", learning_rate=0.5, multi_precision=True)
        updater = mx.optimizer.get_updater(opt)
        w16 = nd.ones((2,), dtype="float16")
        updater(0, nd.ones((2,), dtype="float16") * 0.2, w16)
        master, inner = updater.states[0]
        assert master.dtype == np.float32 and w16.dtype == np.float16
        npt.assert_allclose(master.asnumpy(), [0.9000244, 0.9000244], rtol=1e-6)  # recorded from MXNet 1.9.1
        npt.assert_allclose(inner.asnumpy(), [0.19995117, 0.19995117], rtol=1e-6)
        npt.assert_allclose(w16.asnumpy(), [0.9, 0.9], rtol=1e-3)
    finally:
        del mx.optimizer.Optimizer.opt_registry["mymomentum"]


def test_register_override_warns():
    original = mx.optimizer.Optimizer.opt_registry["test"]
    try:
        with pytest.warns(UserWarning) as record:
            @mx.optimizer.register
            class Test(mx.optimizer.Optimizer):  # noqa: F811
                pass
        assert str(record[0].message) == (f"WARNING: New optimizer {__name__}.Test is overriding existing optimizer "
                                          "mxjax.optimizer.sgd.Test")
    finally:
        mx.optimizer.Optimizer.opt_registry["test"] = original


# ---- learning rate, multipliers, counts ---------------------------------------------------------
def test_learning_rate_property_and_set_learning_rate():
    opt = mx.optimizer.SGD(learning_rate=0.1)
    opt.set_learning_rate(0.5)
    assert opt.learning_rate == 0.5
    with pytest.raises(AttributeError):
        opt.learning_rate = 0.3  # no setter in MXNet 1.9.1
    sched = mx.lr_scheduler.FactorScheduler(step=2, base_lr=0.3)
    opt = mx.optimizer.SGD(lr_scheduler=sched)
    assert opt.lr is None and opt.learning_rate == 0.3
    with pytest.raises(UserWarning) as err:
        opt.set_learning_rate(0.1)
    assert str(err.value) == ("LRScheduler of the optimizer has already been defined. Note that set_learning_rate "
                              "can mutate the value of the learning rate of the optimizer only when the LRScheduler "
                              "of the optimizer is undefined.")


def test_learning_rate_overwrites_scheduler_base_lr(capsys):
    sched = mx.lr_scheduler.FactorScheduler(step=2, base_lr=0.3)
    mx.optimizer.Adam(lr_scheduler=sched)  # Adam's default learning_rate=0.001 is passed on
    assert sched.base_lr == 0.001
    assert capsys.readouterr().out == ("learning rate from ``lr_scheduler`` has been overwritten by "
                                       "``learning_rate`` in optimizer.\n")
    sched = mx.lr_scheduler.FactorScheduler(step=2, base_lr=0.3)
    mx.optimizer.SGD(lr_scheduler=sched, learning_rate=0.3)
    assert capsys.readouterr().out == ""


def test_wd_mult_defaults_from_names():
    opt = mx.optimizer.SGD(param_idx2name={0: "a_weight", 1: "a_bias", 2: "bn_gamma", 3: "bn_beta"}, wd=0.1)
    assert opt.wd_mult == {"a_bias": 0.0, "bn_beta": 0.0}
    assert [opt._get_wd(i) for i in range(4)] == [0.1, 0.0, 0.1, 0.0]
    opt.set_wd_mult({"a_bias": 0.5})
    assert opt.wd_mult == {"a_bias": 0.5, "bn_beta": 0.0}
    opt.set_lr_mult({1: 3.0, "bn_gamma": 0.5})
    opt.set_learning_rate(0.2)
    assert [opt._get_lr(i) for i in range(4)] == pytest.approx([0.2, 0.6, 0.1, 0.2])


def test_param_dict_multipliers_take_precedence():
    p = mx.gluon.Parameter("w", shape=(2,), lr_mult=2.0, wd_mult=0.5)
    opt = mx.optimizer.SGD(param_dict={0: p}, learning_rate=0.1, wd=0.2)
    opt.set_lr_mult({0: 10.0})
    assert opt._get_lr(0) == pytest.approx(0.2) and opt._get_lr(1) == pytest.approx(0.1)
    assert opt._get_wd(0) == pytest.approx(0.1)
    p.lr_mult = 3.0  # read at every step, not copied
    assert opt._get_lr(0) == pytest.approx(0.3)


def test_begin_num_update_and_device_counts():
    opt = mx.optimizer.SGD(begin_num_update=5)
    opt._update_count([0, 1])
    assert opt._index_update_count == {0: 6, 1: 6} and opt.num_update == 6
    opt._set_current_context(1)
    opt._update_count(0)
    assert opt._all_index_update_counts == {0: {0: 6, 1: 6}, 1: {0: 6}}


# ---- states and multi-precision --------------------------------------------------------------------
def test_multi_precision_state_layouts():
    w16 = nd.ones((2,), dtype="float16")
    master, inner = mx.optimizer.Adam(multi_precision=True).create_state_multi_precision(0, w16)
    assert master.dtype == np.float32 and [s.dtype for s in inner] == [np.float32, np.float32]
    mom, master = mx.optimizer.SGD(multi_precision=True, momentum=0.9).create_state_multi_precision(0, w16)
    assert mom.dtype == np.float32 and master.dtype == np.float32
    assert mx.optimizer.SGD(multi_precision=True).create_state_multi_precision(0, w16)[0] is None
    assert mx.optimizer.SGD(momentum=0.9).create_state(0, w16).dtype == np.float16
    assert mx.optimizer.AdaGrad().create_state(0, nd.ones((2,), dtype="float64")).dtype == np.float32


@pytest.mark.parametrize("opt, message", [
    (mx.optimizer.Adam(), "Consider using multi_precision=True option of the optimizer"),
    (mx.optimizer.SGD(), "Consider using multi_precision=True option of the SGD optimizer"),
    (mx.optimizer.NAG(), "Consider using multi_precision=True option of the NAG optimizer"),
])
def test_float16_without_multi_precision_warns(opt, message):
    with pytest.warns(UserWarning) as record:
        opt.create_state_multi_precision(0, nd.ones((2,), dtype="float16"))
    assert str(record[0].message) == ("Accumulating with float16 in optimizer can lead to poor accuracy or slow "
                                      "convergence. " + message)


def test_adadelta_rescales_the_gradient_in_place():
    """MXNet's AdaDelta does ``grad *= rescale_grad`` on the caller's array."""
    g = nd.ones((2,))
    mx.optimizer.get_updater(mx.optimizer.AdaDelta(rescale_grad=0.5))(0, g, nd.ones((2,)))
    npt.assert_allclose(g.asnumpy(), [0.5, 0.5])


def test_updater_states_round_trip_through_pickle():
    opt = mx.optimizer.Adam(learning_rate=0.1)
    updater = mx.optimizer.get_updater(opt)
    w = nd.array([1.0, 2.0])
    updater(0, nd.array([0.5, -0.5]), w)
    blob = updater.get_states(dump_optimizer=True)
    assert isinstance(blob, bytes)
    other = mx.optimizer.get_updater(mx.optimizer.Adam())
    other.set_states(blob)
    assert other.optimizer.lr == 0.1 and other.optimizer.num_update == 1
    assert other.states_synced == {0: False}
    npt.assert_allclose(other.states[0][0].asnumpy(), updater.states[0][0].asnumpy())
    w2 = w.copy()
    updater(0, nd.array([0.1, 0.2]), w)
    other(0, nd.array([0.1, 0.2]), w2)
    npt.assert_allclose(w2.asnumpy(), w.asnumpy())
    assert "param_dict" not in pickle.loads(pickle.dumps(opt)).__getstate__()


def test_fused_update_compiles_once_per_structure():
    opt = mx.optimizer.RMSProp(learning_rate=0.01, centered=True)
    updater = mx.optimizer.get_updater(opt)
    ws = [nd.ones((7, 3)), nd.ones((3,))]
    updater([0, 1], [nd.ones((7, 3)), nd.ones((3,))], ws)
    traces, calls, entries = opt_module.fused_stats["traces"], opt_module.fused_stats["calls"], len(opt_module._fused)
    for lr in (0.02, 0.03, 0.04):  # a changing learning rate is an argument, not a constant
        opt.set_learning_rate(lr)
        updater([0, 1], [nd.ones((7, 3)), nd.ones((3,))], ws)
    assert opt_module.fused_stats["traces"] == traces
    assert opt_module.fused_stats["calls"] == calls + 3
    assert len(opt_module._fused) == entries
