"""mx.lr_scheduler against MXNet 1.9.1: learning rates for a sequence of num_update values
(recorded by tools/record_mxnet_optimizers.py), warm-up modes, statefulness, errors."""
import json
import logging
import os

import numpy.testing as npt
import pytest

import mxjax as mx

DATA = os.path.join(os.path.dirname(__file__), "reference", "data", "gluon", "optimizers.json")
with open(DATA) as fh:
    META = json.load(fh)


@pytest.mark.parametrize("sid", sorted(META["schedulers"]))
def test_schedule_matches_mxnet(sid):
    case = META["schedulers"][sid]
    sched = getattr(mx.lr_scheduler, case["class"])(**case["kwargs"])
    got = [sched(n) for n in META["num_updates"]]
    npt.assert_allclose(got, case["lrs"], rtol=1e-12, atol=0)


def test_factor_scheduler_is_stateful_and_logs(caplog):
    sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
    with caplog.at_level(logging.INFO):
        assert sched(5) == 0.25          # two decays at once ("while", for resumed training)
    assert sched.count == 4 and sched.base_lr == 0.25
    assert sched(1) == 0.25              # it never goes back
    assert "Update[5]: Change learning rate to 5.00000e-01" in caplog.text


def test_factor_scheduler_stop_factor_lr():
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.1, stop_factor_lr=0.05, base_lr=1.0)
    assert [sched(n) for n in (1, 2, 3, 4)] == [1.0, 0.1, 0.05, 0.05]


def test_linear_and_constant_warmup():
    lin = mx.lr_scheduler.PolyScheduler(max_update=10, base_lr=1.0, warmup_steps=4, warmup_begin_lr=0.2)
    assert [lin(n) for n in range(4)] == pytest.approx([0.2, 0.4, 0.6, 0.8])
    const = mx.lr_scheduler.CosineScheduler(max_update=10, base_lr=1.0, warmup_steps=4, warmup_begin_lr=0.2,
                                            warmup_mode="constant")
    assert [const(n) for n in range(4)] == [0.2] * 4
    assert const(4) == 1.0


def test_poly_and_cosine_ignore_a_later_base_lr():
    """MXNet's Poly/Cosine decay from the base_lr they were built with (base_lr_orig)."""
    sched = mx.lr_scheduler.CosineScheduler(max_update=4, base_lr=0.1)
    sched.base_lr = 5.0
    assert sched(2) == pytest.approx(0.05)


def test_optimizer_uses_scheduler_at_num_update():
    sched = mx.lr_scheduler.MultiFactorScheduler(step=[2, 4], factor=0.5, base_lr=1.0)
    opt = mx.optimizer.SGD(lr_scheduler=sched)
    assert opt.lr is None and opt.learning_rate == 1.0
    opt.num_update = 3
    assert opt.learning_rate == 0.5


@pytest.mark.parametrize("make, message", [
    (lambda: mx.lr_scheduler.FactorScheduler(step=0), "Schedule step must be greater or equal than 1 round"),
    (lambda: mx.lr_scheduler.FactorScheduler(step=2, factor=2), "Factor must be no more than 1 to make lr reduce"),
    (lambda: mx.lr_scheduler.MultiFactorScheduler(step=[3, 2]), "Schedule step must be an increasing integer list"),
    (lambda: mx.lr_scheduler.MultiFactorScheduler(step=[0, 2]),
     "Schedule step must be greater or equal than 1 round"),
    (lambda: mx.lr_scheduler.LRScheduler(base_lr=0.1, warmup_begin_lr=0.5),
     "Base lr has to be higher than warmup_begin_lr"),
    (lambda: mx.lr_scheduler.LRScheduler(warmup_steps=-1), "Warmup steps has to be positive or 0"),
    (lambda: mx.lr_scheduler.LRScheduler(warmup_mode="cubic"), "Supports only linear and constant modes of warmup"),
    (lambda: mx.lr_scheduler.PolyScheduler(max_update=0), "maximum number of updates must be strictly positive"),
    (lambda: mx.lr_scheduler.CosineScheduler(max_update=0), "maximum number of updates must be strictly positive"),
])
def test_constructor_errors(make, message):
    with pytest.raises(ValueError) as err:
        make()
    assert str(err.value) == message


def test_base_class_must_be_overridden():
    with pytest.raises(NotImplementedError, match="must override this"):
        mx.lr_scheduler.LRScheduler()(3)
