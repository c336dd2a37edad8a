"""gluon.loss cases whose forward values and pred gradients were recorded from MXNet 1.9.1.

A case builds a loss (class name under ``gluon.loss`` and constructor kwargs), calls it
on arrays made from deterministic specs (see ``case.make_input``; ``None`` passes None),
differentiates the sum of the output with respect to the first input, and returns
``[loss, first_input.grad]``.  This module imports neither mxnet nor mxjax:
``tools/record_mxnet_gluon_data.py`` runs the cases under real MXNet,
``tests/test_losses.py`` under mxjax (imperatively and hybridized).
"""
import dataclasses

from case import integers, make_input, uniform, values


@dataclasses.dataclass
class LossCase:
    id: str
    loss: str
    kwargs: dict
    inputs: tuple
    rtol: float = 1e-5
    atol: float = 1e-6
    grad: bool = True      # False: forward only, outside autograd.record()


def signed(shape, seed):
    """Labels in {-1, 1}."""
    return ("signed", tuple(shape), seed)


def build_input(spec):
    if spec is None:
        return None
    if spec[0] == "signed":
        return make_input(integers(spec[1], 0, 2, seed=spec[2])) * 2 - 1
    return make_input(spec)


P = uniform((4, 3), -2, 2, seed=1)
LBL = uniform((4, 3), -2, 2, seed=2)
SW = uniform((4, 1), 0.5, 1.5, seed=3)

CASES = [
    LossCase("l2", "L2Loss", {}, (P, LBL)),
    LossCase("l2_label_flat", "L2Loss", {}, (uniform((4, 1), seed=4), uniform((4,), seed=5))),
    LossCase("l2_weight_sw", "L2Loss", {"weight": 3.0}, (P, LBL, SW)),
    LossCase("l2_batch_axis1", "L2Loss", {"batch_axis": 1}, (uniform((3, 5, 2), seed=6), uniform((3, 5, 2), seed=7))),
    LossCase("l1", "L1Loss", {}, (P, LBL)),
    LossCase("l1_weight_sw", "L1Loss", {"weight": 0.5}, (P, LBL, SW)),
    LossCase("l1_4d", "L1Loss", {}, (uniform((2, 3, 2, 2), seed=8), uniform((2, 3, 2, 2), seed=9))),
    LossCase("sce_sparse", "SoftmaxCrossEntropyLoss", {}, (uniform((4, 5), -3, 3, seed=10),
                                                           integers((4,), 0, 5, seed=11))),
    LossCase("sce_alias", "SoftmaxCELoss", {"weight": 2.0}, (uniform((4, 5), -3, 3, seed=10),
                                                             integers((4,), 0, 5, seed=11), SW)),
    LossCase("sce_dense", "SoftmaxCrossEntropyLoss", {"sparse_label": False},
             (uniform((4, 5), -3, 3, seed=12), uniform((4, 5), 0, 1, seed=13))),
    LossCase("sce_from_logits", "SoftmaxCrossEntropyLoss", {"from_logits": True},
             (uniform((4, 5), -3, 0, seed=14), integers((4,), 0, 5, seed=15))),
    LossCase("sce_axis1", "SoftmaxCrossEntropyLoss", {"axis": 1},
             (uniform((2, 5, 3), -3, 3, seed=16), integers((2, 1, 3), 0, 5, seed=17))),
    LossCase("sce_seq", "SoftmaxCrossEntropyLoss", {},
             (uniform((2, 3, 4), -3, 3, seed=18), integers((2, 3), 0, 4, seed=19))),
    LossCase("sce_batch_axis1", "SoftmaxCrossEntropyLoss", {"batch_axis": 1},
             (uniform((3, 2, 4), -3, 3, seed=20), integers((3, 2), 0, 4, seed=21))),
    LossCase("bce_logits", "SigmoidBinaryCrossEntropyLoss", {}, (uniform((4, 3), -4, 4, seed=22),
                                                                 integers((4, 3), 0, 2, seed=23))),
    LossCase("bce_alias_sw", "SigmoidBCELoss", {"weight": 1.5}, (uniform((4, 3), -4, 4, seed=22),
                                                                 integers((4, 3), 0, 2, seed=23), SW)),
    LossCase("bce_pos_weight", "SigmoidBinaryCrossEntropyLoss", {},
             (uniform((4, 3), -4, 4, seed=24), integers((4, 3), 0, 2, seed=25), None,
              uniform((3,), 0.5, 3, seed=26))),
    LossCase("bce_from_sigmoid", "SigmoidBinaryCrossEntropyLoss", {"from_sigmoid": True},
             (uniform((4, 3), 0.05, 0.95, seed=27), integers((4, 3), 0, 2, seed=28))),
    LossCase("bce_from_sigmoid_pos_weight", "SigmoidBinaryCrossEntropyLoss", {"from_sigmoid": True},
             (uniform((4, 3), 0.05, 0.95, seed=29), integers((4, 3), 0, 2, seed=30), SW,
              uniform((4, 3), 0.5, 3, seed=31))),
    LossCase("bce_soft_labels", "SigmoidBinaryCrossEntropyLoss", {},
             (uniform((4, 3), -4, 4, seed=32), uniform((12,), 0, 1, seed=33))),
    LossCase("kl", "KLDivLoss", {}, (uniform((4, 5), -3, -0.1, seed=34), uniform((4, 5), 0, 1, seed=35))),
    LossCase("kl_not_logits", "KLDivLoss", {"from_logits": False},
             (uniform((4, 5), -3, 3, seed=36), uniform((4, 5), 0, 1, seed=37), SW)),
    LossCase("kl_axis", "KLDivLoss", {"from_logits": False, "axis": 1, "weight": 0.5},
             (uniform((2, 4, 3), -3, 3, seed=38), uniform((2, 4, 3), 0, 1, seed=39))),
    LossCase("huber", "HuberLoss", {}, (uniform((4, 3), -3, 3, seed=40), uniform((4, 3), -3, 3, seed=41))),
    LossCase("huber_rho", "HuberLoss", {"rho": 0.5, "weight": 2.0},
             (uniform((4, 3), -2, 2, seed=42), uniform((4, 3), -2, 2, seed=43), SW)),
    LossCase("hinge", "HingeLoss", {}, (uniform((4, 3), -2, 2, seed=44), signed((4, 3), 45))),
    LossCase("hinge_margin", "HingeLoss", {"margin": 2, "weight": 0.5},
             (uniform((4, 3), -2, 2, seed=46), signed((4, 3), 47), SW)),
    LossCase("sq_hinge", "SquaredHingeLoss", {}, (uniform((4, 3), -2, 2, seed=48), signed((4, 3), 49))),
    LossCase("sq_hinge_margin", "SquaredHingeLoss", {"margin": 0.5},
             (uniform((4, 3), -2, 2, seed=50), signed((12,), 51), SW)),
    LossCase("logistic_signed", "LogisticLoss", {}, (uniform((4, 3), -3, 3, seed=52), signed((4, 3), 53))),
    LossCase("logistic_binary", "LogisticLoss", {"label_format": "binary", "weight": 2.0},
             (uniform((4, 3), -3, 3, seed=54), integers((4, 3), 0, 2, seed=55), SW)),
    LossCase("triplet", "TripletLoss", {}, (uniform((4, 3), seed=56), uniform((4, 3), seed=57),
                                            uniform((4, 3), seed=58))),
    LossCase("triplet_margin", "TripletLoss", {"margin": 0.3, "weight": 2.0},
             (uniform((4, 2, 3), seed=59), uniform((4, 2, 3), seed=60), uniform((4, 6), seed=61))),
    LossCase("poisson", "PoissonNLLLoss", {}, (uniform((4, 3), -1, 1, seed=62),
                                               integers((4, 3), 0, 5, seed=63))),
    LossCase("poisson_not_logits", "PoissonNLLLoss", {"from_logits": False},
             (uniform((4, 3), 0.1, 3, seed=64), integers((4, 3), 0, 5, seed=65), SW)),
    # MXNet's compute_full writes in place, which autograd.record() refuses: forward only
    LossCase("poisson_full", "PoissonNLLLoss", {"compute_full": True, "weight": 0.5},
             (uniform((4, 3), -1, 1, seed=66), integers((4, 3), 1, 6, seed=67)), grad=False),
    LossCase("poisson_full_zero_target", "PoissonNLLLoss", {"compute_full": True},
             (uniform((2, 2), -1, 1, seed=68), values([[0, 2], [3, 1]])), grad=False),
    LossCase("cosine", "CosineEmbeddingLoss", {},
             (uniform((4, 5), seed=69), uniform((4, 5), seed=70), signed((4,), 71))),
    LossCase("cosine_margin", "CosineEmbeddingLoss", {"margin": 0.2, "weight": 3.0},
             (uniform((4, 5), seed=72), uniform((4, 5), seed=73), values([1, -1, -1, 0]), SW)),
    LossCase("ctc_ntc", "CTCLoss", {}, (uniform((2, 6, 4), -2, 2, seed=74),
                                        values([[0, 1, 1], [2, 0, -1]])), rtol=1e-4, atol=1e-5),
    LossCase("ctc_tnc_tn", "CTCLoss", {"layout": "TNC", "label_layout": "TN"},
             (uniform((6, 2, 4), -2, 2, seed=75), values([[0, 2], [1, 0], [1, -1]])), rtol=1e-4, atol=1e-5),
    LossCase("ctc_lengths", "CTCLoss", {"weight": 2.0},
             (uniform((3, 7, 5), -2, 2, seed=76), values([[0, 1, 2], [3, 3, 0], [1, 0, 0]]),
              values([7, 5, 6]), values([3, 2, 1])), rtol=1e-4, atol=1e-5),
    LossCase("ctc_label_lengths_sw", "CTCLoss", {},
             (uniform((2, 5, 4), -2, 2, seed=77), values([[1, 2, 0], [2, 2, 0]]), None, values([2, 3]),
              values([0.5, 2.0])), rtol=1e-4, atol=1e-5),
    LossCase("sdml", "SDMLLoss", {}, (uniform((4, 3), seed=78), uniform((4, 3), seed=79))),
]


def run_loss_case(mx, case, hybridize=False):
    """``[loss value, grad of first input]`` as numpy arrays (run with mxnet or mxjax as ``mx``);
    ``[loss value]`` for a forward-only case."""
    arrays = []
    for spec in case.inputs:
        value = build_input(spec)
        arrays.append(None if value is None else mx.nd.array(value, dtype=value.dtype))
    loss = getattr(mx.gluon.loss, case.loss)(**case.kwargs)
    if hybridize:
        loss.hybridize()
    if not case.grad:
        return [loss(*arrays).asnumpy()]
    arrays[0].attach_grad()
    with mx.autograd.record():
        out = loss(*arrays)
    out.backward()
    return [out.asnumpy(), arrays[0].grad.asnumpy()]
