"""Neural-network operators: semantics that the reference and gradient tables do not reach.

* the output layers (SoftmaxOutput, *RegressionOutput), whose backward is MXNet's loss
  gradient rather than the derivative of their forward: gradients against numbers recorded
  from MXNet 1.9.1, and their second order against finite differences;
* BatchNorm in training mode: batch statistics, gradients and the moving-statistics update;
* CTCLoss, PReLU and masked softmax gradients against MXNet's;
* errors MXNet raises only when the result is read (asynchronously), channel-last layouts,
  Deconvolution's target_shape, the 'same' pooling convention and other mxjax-specific points.

The recorded numbers below come from running the same calls (same inputs: numpy's legacy
RandomState) in a venv with mxnet==1.9.1 on CPU, printing x.grad after backward() with the
default head gradient unless a head is named.
"""
import numpy as np
import pytest

from mxjax import autograd, nd
from mxjax.base import MXNetError


def _rnd(shape, seed, lo=-1.0, hi=1.0):
    return np.random.RandomState(seed).uniform(lo, hi, shape).astype("float32")


def _normal(shape, seed):
    return np.random.RandomState(seed).normal(size=shape).astype("float32")


# ==== numbers recorded from MXNet 1.9.1 ===========================================================
# SOFTMAX_OUTPUT: name -> (data shape, label, attrs, data gradient); data = _rnd((3, 4), 0) or
# _rnd((2, 3, 2), 1); 'probabilities' is the label _rnd((3, 4), 2, 0, 1); the label gradient is
# zero in every case.
# REGRESSION: (op, grad_scale) -> data gradient for data _rnd((3, 4), 0), label _rnd((3, 4), 3);
# 'column': data[:, :1], label[:, 0].
# BN_*: BatchNorm(x=_rnd((4, 3, 2), 4), gamma, beta, moving_mean, moving_var, output_mean_var=True)
# under record(), backward(head=_normal((4, 3, 2), 5)); moving statistics read after backward.
# CTC_*: CTCLoss of data _rnd((5, 2, 4), 6) (first 2 steps for 'infeasible').
# PRELU*: LeakyReLU(_rnd((2, 3, 2), 7), gamma, act_type='prelu'), head _normal((2, 3, 2), 8).
# SOFTMAX_LENGTH: softmax(_rnd((2, 3, 4), 9), length, use_length=True, temperature=2), head _normal(.., 10).
# MAXPOOL_*: max pooling gradients where a window holds equal maxima.

# ---- SoftmaxOutput ----
SOFTMAX_OUTPUT = {
    'plain': ([3, 4], [1, 0, 3], {},
        [[0.22217742, -0.69010675, 0.24749145, 0.22043781],
         [-0.83708841, 0.25408944, 0.16751495, 0.41548404],
         [0.40958247, 0.12834165, 0.29040104, -0.82832509]]),
    'scale_batch': ([3, 4], [1, 0, 3], {'grad_scale': 2.0, 'normalization': 'batch'},
        [[0.14811829, -0.46007118, 0.1649943, 0.14695854],
         [-0.55805898, 0.16939297, 0.11167663, 0.27698937],
         [0.27305499, 0.085561097, 0.1936007, -0.55221677]]),
    'ignore_valid': ([3, 4], [1, -1, 3], {'use_ignore': True, 'normalization': 'valid'},
        [[0.11108871, -0.34505337, 0.12374572, 0.1102189],
         [0.0, 0.0, 0.0, 0.0],
         [0.20479123, 0.064170823, 0.14520052, -0.41416255]]),
    'ignore2_valid_smooth': ([3, 4], [1, 2, 3],
                             {'ignore_label': 2, 'use_ignore': True, 'normalization': 'valid', 'smooth_alpha': 0.1},
        [[0.094422042, -0.29505336, 0.10707906, 0.093552239],
         [0.0, 0.0, 0.0, 0.0],
         [0.18812457, 0.047504157, 0.12853386, -0.36416253]]),
    'smooth': ([3, 4], [1, 2, 3], {'smooth_alpha': 0.3},
        [[0.12217741, -0.39010674, 0.14749146, 0.12043781],
         [0.062911607, 0.15408945, -0.53248507, 0.31548405],
         [0.30958247, 0.028341644, 0.19040105, -0.52832508]]),
    'out_grad': ([3, 4], [1, 2, 3], {'out_grad': True},
        [[0.049362805, -0.21385944, 0.061252017, 0.048592828],
         [0.026540192, 0.064561449, -0.13945369, 0.17262699],
         [0.16775779, 0.016471578, 0.084332764, -0.14220263]]),
    'prob_label': ([3, 4], 'probabilities', {},
        [[-0.21381748, 0.28396705, -0.30217102, -0.21488459],
         [-0.25745618, -0.076245368, -0.037133679, -0.20378694],
         [0.1099278, -0.13848564, -0.33073276, -0.35746717]]),
    'multi': ([2, 3, 2], [[1, 0], [2, 2]], {'multi_output': True},
        [[[0.24791417, -0.20900571],
          [-0.39230886, 0.12613083],
          [0.14439467, 0.082874864]],
         [[0.12145048, 0.1125019],
          [0.18503058, 0.16558459],
          [-0.30648109, -0.27808648]]]),
    'multi_batch': ([2, 3, 2], [[1, 0], [2, 2]], {'multi_output': True, 'normalization': 'batch'},
        [[[0.12395708, -0.10450286],
          [-0.19615443, 0.063065417],
          [0.072197333, 0.041437432]],
         [[0.060725242, 0.056250952],
          [0.09251529, 0.082792297],
          [-0.15324055, -0.13904324]]]),
    'multi_valid_ignore': ([2, 3, 2], [[1, -1], [2, 2]],
                           {'multi_output': True, 'normalization': 'valid', 'use_ignore': True},
        [[[0.16527611, 0.0],
          [-0.26153925, 0.0],
          [0.096263111, 0.0]],
         [[0.080966994, 0.07500127],
          [0.12335372, 0.11038973],
          [-0.20432073, -0.18539099]]]),
    'multi_label3d_smooth': ([2, 3, 2], [[[1, 0]], [[2, 2]]],
                             {'multi_output': True, 'smooth_alpha': 0.2, 'grad_scale': 0.5},
        [[[0.12395708, -0.10450286],
          [-0.19615443, 0.063065417],
          [0.072197333, 0.041437432]],
         [[0.060725242, 0.056250952],
          [0.09251529, 0.082792297],
          [-0.15324055, -0.13904324]]]),
    'preserve': ([2, 3, 2], [[1, 0, 1], [0, 1, 0]], {'preserve_shape': True},
        [[[0.35283408, -0.35283405],
          [-0.64667058, 0.64667064],
          [0.5271818, -0.52718186]],
         [[-0.57898331, 0.57898325],
          [0.42944929, -0.42944926],
          [-0.62996113, 0.62996107]]]),
    'preserve_batch': ([2, 3, 2], [[1, 0, 1], [0, 1, 0]], {'preserve_shape': True, 'normalization': 'batch'},
        [[[0.058805682, -0.058805674],
          [-0.10777843, 0.10777844],
          [0.087863639, -0.087863646]],
         [[-0.096497223, 0.096497208],
          [0.071574882, -0.071574882],
          [-0.10499352, 0.10499351]]]),
    'flatten3d': ([2, 3, 2], [[1, 0, 1], [0, 1, 0]], {},
        [[[0.19348259, -0.64511549],
          [0.084046677, 0.15382393],
          [0.11269165, 0.10107074]],
         [[-0.90223694, 0.13444401],
          [0.14894266, 0.19787982],
          [0.15577544, 0.26519501]]]),
    'out_of_range_label': ([3, 4], [1, 5, -3], {},
        [[0.22217742, -0.69010675, 0.24749145, 0.22043781],
         [0.16291161, 0.25408944, 0.16751495, 0.41548404],
         [0.40958247, 0.12834165, 0.29040104, 0.17167491]]),
}
# ---- regression outputs ----
REGRESSION = {
    ('LinearRegressionOutput', 1.0): [[-0.00099219941, 0.0035207719, 0.15592931, 0.01702779],
         [-0.23464608, -0.1251995, 0.15600094, 0.34226507],
         [0.45609778, -0.028684163, 0.3809244, 0.036030848]],
    ('LinearRegressionOutput', 3.0): [[-0.0029765982, 0.010562316, 0.46778792, 0.051083371],
         [-0.70393825, -0.37559849, 0.46800283, 1.0267951],
         [1.3682933, -0.086052492, 1.1427732, 0.10809255]],
    ('LogisticRegressionOutput', 1.0): [[0.10569789, 0.047417104, 0.24234802, 0.12519284],
         [-0.08099813, -0.055038095, 0.30441585, 0.31798953],
         [0.4033995, 0.1400909, 0.39552712, 0.15019424]],
    ('LogisticRegressionOutput', 3.0): [[0.31709367, 0.14225131, 0.72704405, 0.37557852],
         [-0.2429944, -0.16511428, 0.91324759, 0.95396858],
         [1.2101985, 0.42027271, 1.1865814, 0.45058274]],
    ('MAERegressionOutput', 1.0): [[-0.25, 0.25, 0.25, 0.25],
         [-0.25, -0.25, 0.25, 0.25],
         [0.25, -0.25, 0.25, 0.25]],
    ('MAERegressionOutput', 3.0): [[-0.75, 0.75, 0.75, 0.75],
         [-0.75, -0.75, 0.75, 0.75],
         [0.75, -0.75, 0.75, 0.75]],
    ('LinearRegressionOutput', 'column'): [[-0.0039687976],
         [-0.93858433],
         [1.8243911]],
}
# ---- BatchNorm training ----
BN_GAMMA = dict(kw={'fix_gamma': False},
    out=[[[0.4784058, -0.052819125],
          [2.7019053, 0.86550671],
          [1.2988436, -1.0439117]],
         [[0.49010423, -0.7374199],
          [-2.4234219, -1.1286755],
          [1.6960194, -1.1334331]],
         [[0.34675467, 0.49912196],
          [-3.0582292, 0.028863326],
          [-2.0512891, -0.21466643]],
         [[-0.68942231, 0.4652746],
          [-1.1190251, 2.5330765],
          [1.7296941, 2.1187432]]],
    mean=[0.33599344, 0.13039359, -0.015240267],
    inv_std=[1.2654312, 1.7803643, 1.6213759],
    grad_data=[[[0.20618252, 0.043544013],
          [6.4446263, -1.0992507],
          [0.8795312, 1.5916411]],
         [[-0.65545088, 0.29852101],
          [4.0645633, 0.80549353],
          [-1.8013638, -2.8649957]],
         [[-0.21926433, 0.29612854],
          [-1.8368042, -1.7794559],
          [-0.69089204, 3.2759657]],
         [[-0.31273216, 0.34307143],
          [-1.5221652, -5.0770078],
          [-0.97969651, 0.58981001]]],
    grad_gamma=[3.8782012, 4.9159713, -6.0445271],
    grad_beta=[-2.0122013, -2.1660161, 2.0087848],
    moving_mean=[0.12359935, 0.19303936, 0.26847598],
    moving_var=[0.96234864, 1.8314487, 0.4879393],
)
BN_FIX_GAMMA = dict(kw={},
    out=[[[0.85681164, -0.20563826],
          [1.2509526, 0.33275336],
          [0.96589577, -0.59594113]],
         [[0.88020849, -1.5748398],
          [-1.311711, -0.66433775],
          [1.2306796, -0.65562212]],
         [[0.59350938, 0.89824396],
          [-1.6291146, -0.085568339],
          [-1.2675261, -0.043110967]],
         [[-1.4788446, 0.83054924],
          [-0.65951258, 1.1665382],
          [1.2531295, 1.5124955]]],
    mean=[0.33599344, 0.13039359, -0.015240267],
    inv_std=[1.2654312, 1.7803643, 1.6213759],
    grad_data=[[[0.41236505, 0.087088026],
          [3.2223132, -0.54962534],
          [0.58635414, 1.061094]],
         [[-1.3109018, 0.59704202],
          [2.0322816, 0.40274677],
          [-1.2009093, -1.9099972]],
         [[-0.43852866, 0.59225708],
          [-0.91840208, -0.88972795],
          [-0.46059471, 2.1839771]],
         [[-0.62546432, 0.68614286],
          [-0.76108259, -2.5385039],
          [-0.65313107, 0.39320669]]],
    grad_gamma=[0.0, 0.0, 0.0],
    grad_beta=[-2.0122013, -2.1660161, 2.0087848],
    moving_mean=[0.12359935, 0.19303936, 0.26847598],
    moving_var=[0.96234864, 1.8314487, 0.4879393],
)
BN_MOMENTUM = dict(kw={'fix_gamma': False, 'momentum': 0.5, 'eps': 1e-05},
    out=[[[0.47870609, -0.052940406],
          [2.7064688, 0.86718231],
          [1.3001459, -1.0456638]],
         [[0.49041381, -0.73808444],
          [-2.4269183, -1.130136],
          [1.6978395, -1.1353021]],
         [[0.3469505, 0.4994387],
          [-3.0627241, 0.029223233],
          [-2.0543547, -0.21533746]],
         [[-0.69004875, 0.46556446],
          [-1.1204704, 2.5373747],
          [1.7315581, 2.1211143]]],
    mean=[0.33599344, 0.13039359, -0.015240267],
    inv_std=[1.2664354, 1.7831641, 1.6234897],
    grad_data=[[[0.20597729, 0.043727539],
          [6.4447522, -1.1046547],
          [0.88387471, 1.589415]],
         [[-0.65635127, 0.2995742],
          [4.0786242, 0.80996346],
          [-1.7992443, -2.8733189]],
         [[-0.21967888, 0.29597449],
          [-1.8298342, -1.7830436],
          [-0.69931799, 3.2785895]],
         [[-0.31221083, 0.3429876],
          [-1.5213892, -5.094419],
          [-0.97639787, 0.59639978]]],
    grad_gamma=[3.8812788, 4.9237027, -6.0524077],
    grad_beta=[-2.0122013, -2.1660161, 2.0087848],
    moving_mean=[0.21799672, 0.16519681, 0.14237988],
    moving_var=[0.81174314, 1.1572438, 0.43969655],
)
# ---- CTC ----
CTC_PLAIN = dict(kw={}, loss=[4.1977477, 3.7456176],
    grad=[[[-0.27251238, -0.16917588, 0.36493155, 0.076757014],
          [-0.30657321, 0.33807874, 0.29672608, -0.3282311]],
         [[-0.05926986, -0.43970287, 0.14149038, 0.35748249],
          [0.021441281, 0.18852219, 0.21533796, -0.42530066]],
         [[-0.14376646, -0.15948617, 0.020997733, 0.28225487],
          [0.0026084408, 0.28711447, 0.3393214, -0.62904418]],
         [[-0.26105976, 0.039356023, -0.22633228, 0.44803616],
          [-0.076081663, 0.10096579, 0.27463174, -0.29951563]],
         [[-0.14522488, 0.29435828, -0.4718723, 0.32273874],
          [-0.27547497, 0.16250032, 0.13353035, -0.020555705]]])
CTC_LENGTHS = dict(kw={'use_data_lengths': True, 'use_label_lengths': True}, loss=[4.1977477, 2.6896279],
    grad=[[[-0.27251238, -0.16917588, 0.36493155, 0.076757014],
          [-0.26689202, 0.33807874, 0.29672608, -0.36791247]],
         [[-0.05926986, -0.43970287, 0.14149038, 0.35748249],
          [0.029215083, 0.18852219, 0.21533796, -0.43307477]],
         [[-0.14376646, -0.15948617, 0.020997733, 0.28225487],
          [-0.14394529, 0.28711447, 0.3393214, -0.48249045]],
         [[-0.26105976, 0.039356023, -0.22633228, 0.44803616],
          [0.0, 0.0, 0.0, 0.0]],
         [[-0.14522488, 0.29435828, -0.4718723, 0.32273874],
          [0.0, 0.0, 0.0, 0.0]]])
CTC_BLANK_LAST = dict(kw={'blank_label': 'last'}, loss=[3.6995518, 3.7544391],
    grad=[[[-0.52765906, 0.13716866, 0.36493155, 0.025559057],
          [0.1275474, 0.33807874, -0.071364373, -0.39426214]],
         [[-0.05589588, 0.28496349, 0.19707906, -0.42614698],
          [0.16692948, 0.18852219, -0.19712576, -0.15832597]],
         [[-0.24572179, 0.12417521, 0.31350866, -0.19196239],
          [0.07606253, 0.28711447, -0.20174244, -0.16143453]],
         [[-0.26013935, 0.19469866, 0.084709495, -0.019268692],
          [0.14655371, 0.10096579, -0.10763749, -0.13988206]],
         [[-0.24406345, 0.29435828, 0.25472656, -0.30502155],
          [0.52414042, 0.16250032, -0.11206239, -0.5745784]]])
# sequence 0 cannot fit its 2 steps ([1, 1] needs 3): loss 0; MXNet's gradient there is whatever its
# buffer held (uninitialised memory), mxjax's is 0; only sequence 1's gradient is compared
CTC_INFEASIBLE = dict(kw={}, loss=[0.0, 1.6275206],
    grad_sequence1=[[-0.15117048, 0.33807874, 0.29672608, -0.48363411],
                    [-0.035042018, 0.18852219, 0.21533796, -0.36881804]])
# ---- prelu ----
PRELU = dict(grad_data=[[[0.0091204718, 1.0912827],
          [-0.38939407, -1.3863496],
          [-2.2964916, 2.4098344]],
         [[1.7278361, 0.22045563],
          [0.15896553, 0.19528423],
          [-1.1834271, 1.9163636]]],
    grad_gamma=[-1.9641601, -0.12850086, 0.0])
PRELU_SCALAR = dict(grad_data=[[[0.022801179, 1.0912827],
          [-0.48674259, -1.3863496],
          [-2.2964916, 2.4098344]],
         [[1.7278361, 0.55113906],
          [0.19870691, 0.24410528],
          [-1.1834271, 1.9163636]]],
    grad_gamma=[-2.0926609])
# ---- softmax length ----
SOFTMAX_LENGTH = dict(out=[[[1.0, 0.0, 0.0, 0.0],
          [0.48089743, 0.51910257, 0.0, 0.0],
          [0.1786236, 0.23199593, 0.19402704, 0.39535347]],
         [[0.45892829, 0.18432091, 0.35675076, 0.0],
          [0.0, 0.0, 0.0, 0.0],
          [0.42361236, 0.57638758, 0.0, 0.0]]],
    grad=[[[0.0, 0.0, 0.0, 0.0],
          [0.16743295, -0.16743295, 0.0, 0.0],
          [-0.046050269, -0.080561049, -0.0084282998, 0.13503961]],
         [[-0.18202615, 0.11059933, 0.071426786, 0.0],
          [0.0, 0.0, 0.0, 0.0],
          [-0.028610773, 0.028610712, 0.0, 0.0]]])
# ---- max pooling ties ----
MAXPOOL_TIES_GRAD = [[[[1.0, 0.0, 1.0, 0.0],
           [0.0, 0.0, 0.0, 0.0],
           [1.0, 0.0, 1.0, 0.0],
           [0.0, 0.0, 0.0, 0.0]]]]
MAXPOOL_TIES_OVERLAP_GRAD = [[[[1.0, 0.0, 5.0, 0.0],
           [0.0, 0.0, 1.0, 0.0],
           [6.0, 0.0, 1.0, 0.0],
           [0.0, 2.0, 0.0, 0.0]]]]


# ==== helpers ====================================================================================

def _close(actual, expected, what, rtol=1e-4, atol=1e-5):
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64),
                               rtol=rtol, atol=atol, err_msg=what)


def _backward(fn, arrays, head=None):
    """fn(*xs) under record(), backward with ``head`` (ones by default); (output, input grads)."""
    xs = [nd.array(a, dtype=a.dtype) for a in arrays]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        out = fn(*xs)
    first = out[0] if isinstance(out, (list, tuple)) else out
    if head is None:
        first.backward()
    else:
        first.backward(nd.array(head, dtype=first.dtype))
    return out, [x.grad.asnumpy() for x in xs]


# ==== output layers: MXNet's backward ============================================================

@pytest.mark.parametrize("name", sorted(SOFTMAX_OUTPUT))
def test_softmax_output_gradient_matches_mxnet(name):
    shape, label, attrs, expected = SOFTMAX_OUTPUT[name]
    data = _rnd((3, 4), 0) if shape == [3, 4] else _rnd((2, 3, 2), 1)
    if label == "probabilities":
        label = _rnd((3, 4), 2, 0.0, 1.0)
    out, (grad, label_grad) = _backward(lambda x, l: nd.SoftmaxOutput(x, l, **attrs),
                                        [data, np.asarray(label, dtype="float32")])
    _close(grad, expected, f"SoftmaxOutput {attrs}: data gradient")
    np.testing.assert_array_equal(label_grad, 0.0)


@pytest.mark.parametrize("key", sorted(REGRESSION, key=str))
def test_regression_output_gradient_matches_mxnet(key):
    op, scale = key
    data, label = _rnd((3, 4), 0), _rnd((3, 4), 3)
    if scale == "column":
        data, label, scale = data[:, :1], label[:, 0], 1.0
    attrs = dict(grad_scale=scale)
    out, (grad, label_grad) = _backward(lambda x, l: getattr(nd, op)(x, l, **attrs), [data, label])
    _close(grad, REGRESSION[key], f"{op} {attrs}: data gradient")
    np.testing.assert_array_equal(label_grad, 0.0)


def test_softmax_alias_has_the_same_backward():
    data, label = _rnd((3, 4), 0), np.array([1, 0, 3], "float32")
    _, (grad, _) = _backward(lambda x, l: nd.Softmax(x, l), [data, label])
    _close(grad, SOFTMAX_OUTPUT["plain"][3], "Softmax (alias of SoftmaxOutput)")


OUTPUT_LAYERS = {
    "SoftmaxOutput": (lambda x, l: nd.SoftmaxOutput(x, l, smooth_alpha=0.1, normalization="batch"),
                      np.array([1.0, 0.0, 3.0])),
    "SoftmaxOutput multi_output": (lambda x, l: nd.SoftmaxOutput(x.reshape((3, 2, 2)), l, multi_output=True),
                                   np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])),
    "LinearRegressionOutput": (lambda x, l: nd.LinearRegressionOutput(x, l, grad_scale=2.0), None),
    "LogisticRegressionOutput": (lambda x, l: nd.LogisticRegressionOutput(x, l), None),
}


@pytest.mark.parametrize("name", sorted(OUTPUT_LAYERS))
def test_output_layer_second_order(name):
    """The backward rule is itself differentiable: grad <g(x), v> with g = x.grad of the layer
    (created with create_graph=True) equals the finite-difference derivative of g along v."""
    fn, label = OUTPUT_LAYERS[name]
    rs = np.random.RandomState(11)
    a = rs.uniform(-1, 1, (3, 4))
    lab = nd.array(rs.uniform(0, 1, (3, 4)) if label is None else label, dtype="float64")
    v = rs.normal(size=(3, 4))

    def first_grad(values, create_graph=False):
        x = nd.array(values, dtype="float64")
        x.attach_grad()
        with autograd.record():
            (g,) = autograd.grad(fn(x, lab), [x], create_graph=create_graph)
            head = (g * nd.array(v, dtype="float64")).sum() if create_graph else None
        return x, g, head

    x, g, head = first_grad(a, create_graph=True)
    head.backward()
    eps = 1e-6
    fd = (first_grad(a + eps * v)[1].asnumpy() - first_grad(a - eps * v)[1].asnumpy()) / (2 * eps)
    _close(x.grad.asnumpy(), fd, f"{name}: second order", rtol=1e-5, atol=1e-7)


def test_output_layer_gradient_is_zero_for_the_label_in_float64():
    x = nd.array(_rnd((3, 4), 0), dtype="float64")
    lab = nd.array([1.0, 0.0, 3.0], dtype="float64")
    x.attach_grad()
    lab.attach_grad()
    with autograd.record():
        y = nd.SoftmaxOutput(x, lab)
    y.backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(lab.grad.asnumpy(), 0.0)
    _close(x.grad.asnumpy(), SOFTMAX_OUTPUT["plain"][3], "float64 data")


# ==== BatchNorm in training mode ==================================================================

BN_RECORDED = {"gamma": BN_GAMMA, "fix_gamma": BN_FIX_GAMMA, "momentum": BN_MOMENTUM}


def _bn_inputs():
    return (nd.array(_rnd((4, 3, 2), 4)), nd.array([0.5, 2.0, 1.5]), nd.array([0.1, -0.2, 0.3]),
            nd.array([0.1, 0.2, 0.3]), nd.array([1.0, 2.0, 0.5]))


@pytest.mark.parametrize("name", sorted(BN_RECORDED))
def test_batchnorm_training_matches_mxnet(name):
    rec = BN_RECORDED[name]
    x, gamma, beta, mean, var = _bn_inputs()
    for a in (x, gamma, beta):
        a.attach_grad()
    with autograd.record():
        out = nd.BatchNorm(x, gamma, beta, mean, var, output_mean_var=True, **rec["kw"])
    assert isinstance(out, list) and len(out) == 3
    out[0].backward(nd.array(_normal((4, 3, 2), 5)))
    for what, value in [("out", out[0]), ("mean", out[1]), ("inv_std", out[2]), ("grad_data", x.grad),
                        ("grad_gamma", gamma.grad), ("grad_beta", beta.grad), ("moving_mean", mean),
                        ("moving_var", var)]:
        _close(value.asnumpy(), rec[what], f"BatchNorm {rec['kw']}: {what}")


def test_batchnorm_moving_stats_only_change_in_training_mode():
    for mode in ("predict", "use_global_stats"):
        x, gamma, beta, mean, var = _bn_inputs()
        with autograd.record(train_mode=(mode != "predict")):
            y = nd.BatchNorm(x, gamma, beta, mean, var, use_global_stats=(mode == "use_global_stats"))
        y.wait_to_read()
        np.testing.assert_array_equal(mean.asnumpy(), np.float32([0.1, 0.2, 0.3]), err_msg=mode)
        np.testing.assert_array_equal(var.asnumpy(), np.float32([1.0, 2.0, 0.5]), err_msg=mode)
        expected = (_rnd((4, 3, 2), 4) - np.float32([0.1, 0.2, 0.3])[:, None]) / np.sqrt(
            np.float32([1.0, 2.0, 0.5])[:, None] + 1e-3) + np.float32([0.1, -0.2, 0.3])[:, None]
        _close(y.asnumpy(), expected, f"{mode}: normalised with the moving statistics (gamma fixed to 1)")


def test_batchnorm_updates_at_the_forward_call():
    """mxjax writes the moving statistics when the training-mode forward runs (MXNet's cuDNN
    kernel does the same; its CPU kernel waits for backward): the values are MXNet's."""
    x, gamma, beta, mean, var = _bn_inputs()
    with autograd.record():
        nd.BatchNorm(x, gamma, beta, mean, var, fix_gamma=False)
    _close(mean.asnumpy(), BN_GAMMA["moving_mean"], "moving_mean after the forward")
    _close(var.asnumpy(), BN_GAMMA["moving_var"], "moving_var after the forward")


def test_batchnorm_repeated_training_steps_accumulate_the_moving_average():
    x, gamma, beta, mean, var = _bn_inputs()
    a = x.asnumpy()
    m, v = np.float64([0.1, 0.2, 0.3]), np.float64([1.0, 2.0, 0.5])
    for _ in range(3):
        with autograd.record():
            nd.BatchNorm(x, gamma, beta, mean, var)
        m = 0.9 * m + 0.1 * a.mean(axis=(0, 2))
        v = 0.9 * v + 0.1 * a.var(axis=(0, 2))
    _close(mean.asnumpy(), m, "moving_mean after 3 steps")
    _close(var.asnumpy(), v, "moving_var after 3 steps")


# ==== CTCLoss, PReLU, masked softmax, max-pooling ties ============================================

@pytest.mark.parametrize("name", ["plain", "lengths", "blank_last"])
def test_ctc_loss_and_gradient_match_mxnet(name):
    rec = {"plain": CTC_PLAIN, "lengths": CTC_LENGTHS, "blank_last": CTC_BLANK_LAST}[name]
    data = _rnd((5, 2, 4), 6)
    extra = {"plain": [np.float32([[1, 2], [3, 0]])],
             "lengths": [np.float32([[1, 2], [3, 1]]), np.float32([5, 3]), np.float32([2, 1])],
             "blank_last": [np.float32([[0, 0], [2, -1]])]}[name]
    loss, grads = _backward(lambda *xs: nd.CTCLoss(*xs, **rec["kw"]), [data] + extra)
    _close(loss.asnumpy(), rec["loss"], f"CTCLoss {name}: loss")
    _close(grads[0], rec["grad"], f"CTCLoss {name}: data gradient")
    for g in grads[1:]:
        np.testing.assert_array_equal(g, 0.0)


def test_ctc_loss_of_a_label_that_cannot_fit_is_zero():
    loss, grads = _backward(lambda d, l: nd.CTCLoss(d, l), [_rnd((5, 2, 4), 6)[:2], np.float32([[1, 1], [3, 0]])])
    _close(loss.asnumpy(), CTC_INFEASIBLE["loss"], "loss")
    np.testing.assert_array_equal(grads[0][:, 0], 0.0)
    _close(grads[0][:, 1], CTC_INFEASIBLE["grad_sequence1"], "feasible sequence's gradient")


@pytest.mark.xfail(strict=True, raises=MXNetError, reason=(
    "registry limitation: an optional input after an absent optional one cannot be passed by keyword "
    "(Op.parse stops at the first absent optional input); MXNet accepts it"))
def test_ctc_loss_label_lengths_by_keyword():
    data, label = nd.array(_rnd((5, 2, 4), 6)), nd.array([[1, 2], [3, 1]])
    by_keyword = nd.CTCLoss(data, label, label_lengths=nd.array([2, 1]), use_label_lengths=True)
    positional = nd.CTCLoss(data, label, nd.array([2, 1]), use_label_lengths=True)
    _close(by_keyword.asnumpy(), positional.asnumpy(), "label_lengths by keyword")


@pytest.mark.parametrize("name", ["per_channel", "scalar"])
def test_prelu_gradients_match_mxnet(name):
    gamma, rec = (np.float32([0.1, 0.2, 0.3]), PRELU) if name == "per_channel" else (np.float32([0.25]), PRELU_SCALAR)
    _, (grad, grad_gamma) = _backward(lambda x, g: nd.LeakyReLU(x, g, act_type="prelu"), [_rnd((2, 3, 2), 7), gamma],
                                      head=_normal((2, 3, 2), 8))
    _close(grad, rec["grad_data"], "prelu: data gradient")
    _close(grad_gamma, rec["grad_gamma"], "prelu: gamma gradient")


def test_rrelu_predicts_with_the_mean_slope_and_refuses_training_mode():
    a = _rnd((2, 3), 0)
    out, mask = nd.LeakyReLU(nd.array(a), act_type="rrelu", lower_bound=0.2, upper_bound=0.4)
    _close(out.asnumpy(), np.where(a > 0, a, 0.3 * a), "predict-mode rrelu")
    np.testing.assert_array_equal(mask.asnumpy(), 0.0)
    with autograd.record(), pytest.raises(MXNetError, match="rrelu"):
        nd.LeakyReLU(nd.array(a), act_type="rrelu")


def test_masked_softmax_matches_mxnet():
    length = nd.array(np.array([[1, 2, 4], [3, 0, 2]]), dtype="int32")
    out, (grad, length_grad) = _backward(lambda x, n: nd.softmax(x, n, use_length=True, temperature=2.0),
                                         [_rnd((2, 3, 4), 9), length.asnumpy()], head=_normal((2, 3, 4), 10))
    _close(out.asnumpy(), SOFTMAX_LENGTH["out"], "masked softmax")
    _close(grad, SOFTMAX_LENGTH["grad"], "masked softmax gradient")


@pytest.mark.parametrize("name", ["disjoint", "overlapping"])
def test_max_pooling_ties_give_the_gradient_to_the_first_maximum(name):
    t = np.float32([[[[1, 1, 2, 2], [1, 1, 2, 0], [3, 0, 0, 0], [0, 3, 0, 0]]]])
    kw = dict(kernel=(2, 2), stride=(2, 2)) if name == "disjoint" else dict(kernel=(3, 3), pad=(1, 1))
    _, (grad,) = _backward(lambda x: nd.Pooling(x, **kw), [t])
    np.testing.assert_array_equal(grad, MAXPOOL_TIES_GRAD if name == "disjoint" else MAXPOOL_TIES_OVERLAP_GRAD)


# ==== errors MXNet raises when the result is read (not at the call) ==============================

ASYNC_ERRORS = {
    "softmax of integers": (lambda: nd.softmax(nd.ones((2, 3), dtype="int32")), "floating point"),
    "softmax axis": (lambda: nd.softmax(nd.ones((2, 3)), axis=2), "axis"),
    "SoftmaxActivation channel 2-d": (lambda: nd.SoftmaxActivation(nd.ones((2, 3)), mode="channel"), "3 dimensions"),
    "Pooling lp p_value=4": (lambda: nd.Pooling(nd.ones((1, 1, 4, 4)), kernel=(2, 2), pool_type="lp", p_value=4),
                             "p_value"),
    "InstanceNorm 2-d": (lambda: nd.InstanceNorm(nd.ones((2, 3)), nd.ones(3), nd.zeros(3)), "rank >= 3"),
    "rrelu with gamma": (lambda: nd.LeakyReLU(nd.ones((2, 3)), nd.ones(3), act_type="rrelu"), "gamma"),
    "prelu gamma size": (lambda: nd.LeakyReLU(nd.ones((2, 3, 2)), nd.ones(4), act_type="prelu"), "gamma"),
    "Convolution weight": (lambda: nd.Convolution(nd.ones((1, 2, 4, 4)), nd.ones((3, 2, 2, 2)), kernel=(3, 3),
                                                  num_filter=3, no_bias=True), "weight"),
}


@pytest.mark.parametrize("name", sorted(ASYNC_ERRORS))
def test_error_at_the_call(name):
    """MXNet raises these when the output is read; mxjax at the call (shapes are inferred there)."""
    fn, match = ASYNC_ERRORS[name]
    with pytest.raises(MXNetError, match=match):
        fn()


# ==== layouts, Deconvolution's target_shape, pooling conventions ================================

def test_convolution_channel_last_layout_is_the_transposed_computation():
    """MXNet supports NHWC / NDHWC only on GPU (weights OHWI); mxjax everywhere."""
    x, w, b = _rnd((2, 3, 5, 4), 0), _rnd((4, 3, 3, 2), 1), _rnd((4,), 2)
    ref = nd.Convolution(nd.array(x), nd.array(w), nd.array(b), kernel=(3, 2), num_filter=4, stride=(2, 1),
                         pad=(1, 1)).asnumpy()
    got = nd.Convolution(nd.array(x.transpose(0, 2, 3, 1)), nd.array(w.transpose(0, 2, 3, 1)), nd.array(b),
                         kernel=(3, 2), num_filter=4, stride=(2, 1), pad=(1, 1), layout="NHWC").asnumpy()
    _close(got, ref.transpose(0, 2, 3, 1), "NHWC convolution")
    x3, w3 = _rnd((1, 2, 3, 4, 3), 3), _rnd((3, 2, 2, 2, 2), 4)
    ref3 = nd.Convolution(nd.array(x3), nd.array(w3), kernel=(2, 2, 2), num_filter=3, no_bias=True).asnumpy()
    got3 = nd.Convolution(nd.array(x3.transpose(0, 2, 3, 4, 1)), nd.array(w3.transpose(0, 2, 3, 4, 1)),
                          kernel=(2, 2, 2), num_filter=3, no_bias=True, layout="NDHWC").asnumpy()
    _close(got3, ref3.transpose(0, 2, 3, 4, 1), "NDHWC convolution")


def test_deconvolution_channel_last_layout_is_the_transposed_computation():
    x, w = _rnd((1, 3, 3, 4), 0), _rnd((3, 2, 3, 3), 1)
    ref = nd.Deconvolution(nd.array(x), nd.array(w), kernel=(3, 3), num_filter=2, stride=(2, 2)).asnumpy()
    got = nd.Deconvolution(nd.array(x.transpose(0, 2, 3, 1)), nd.array(w.transpose(0, 2, 3, 1)), kernel=(3, 3),
                           num_filter=2, stride=(2, 2), layout="NHWC").asnumpy()
    _close(got, ref.transpose(0, 2, 3, 1), "NHWC deconvolution")


def test_deconvolution_target_shape_is_a_pad_and_adj():
    """MXNet's rule: total = s(x-1) + d(k-1) + 1 - target; adj = total % 2; pad = ceil(total / 2).
    (MXNet 1.9.1's MKLDNN kernel fails on these; its plain CPU kernel gives the explicit pad/adj.)"""
    x, w = nd.array(_rnd((2, 3, 4, 4), 0)), nd.array(_rnd((3, 4, 3, 3), 1))
    by_target = nd.Deconvolution(x, w, kernel=(3, 3), num_filter=4, stride=(2, 2), target_shape=(8, 7))
    explicit = nd.Deconvolution(x, w, kernel=(3, 3), num_filter=4, stride=(2, 2), pad=(1, 1), adj=(1, 0))
    assert by_target.shape == (2, 4, 8, 7)
    np.testing.assert_array_equal(by_target.asnumpy(), explicit.asnumpy())
    ignored = nd.Deconvolution(x, w, kernel=(3, 3), num_filter=4, stride=(3, 2), pad=(5, 5), target_shape=(10, 9))
    explicit = nd.Deconvolution(x, w, kernel=(3, 3), num_filter=4, stride=(3, 2), pad=(1, 0))
    np.testing.assert_array_equal(ignored.asnumpy(), explicit.asnumpy())


def test_pooling_same_convention():
    """MXNet 1.9.1 on CPU rejects 'same'; mxjax: out = ceil(x / stride), padding split evenly."""
    x = nd.array(np.arange(7, dtype=np.float32).reshape(1, 1, 7))
    y = nd.Pooling(x, kernel=(3,), stride=(2,), pooling_convention="same")
    np.testing.assert_array_equal(y.asnumpy(), [[[1.0, 3.0, 5.0, 6.0]]])
    y2 = nd.Pooling(nd.ones((1, 2, 5, 6)), kernel=(2, 3), stride=(2, 2), pooling_convention="same")
    assert y2.shape == (1, 2, 3, 3)
    with pytest.raises(MXNetError, match="pad"):
        nd.Pooling(x, kernel=(3,), stride=(2,), pad=(1,), pooling_convention="same")
    # MXNet checks only that the pads given are 0, whatever their count
    y3 = nd.Pooling(nd.ones((1, 1, 10)), kernel=2, stride=2, pad=(0, 0, 0), pool_type="max", pooling_convention="same")
    assert y3.shape == (1, 1, 5)


# ==== end to end ==================================================================================

def test_gradient_penalty_through_convolution_and_dense():
    """WGAN-GP: the gradient of a critic's output w.r.t. its input, penalised and back-propagated
    to the weights (MXNet: "Operator _backward_Convolution is non-differentiable")."""
    x = nd.array(_rnd((2, 1, 5, 5), 0), dtype="float64")
    w = nd.array(_rnd((2, 1, 3, 3), 1), dtype="float64")
    b = nd.array(_rnd((2,), 2), dtype="float64")
    v = nd.array(_rnd((1, 8), 3), dtype="float64")
    for p in (x, w, b, v):
        p.attach_grad()

    def critic(inp, w_, b_, v_):
        h = nd.Activation(nd.Convolution(inp, w_, b_, kernel=(3, 3), num_filter=2), act_type="tanh")
        h = nd.Pooling(h, kernel=(2, 2), stride=(1, 1), pool_type="avg")
        return nd.FullyConnected(h, v_, num_hidden=1, no_bias=True)

    def penalty(wv):
        with autograd.record():
            (g,) = autograd.grad(critic(x, nd.array(wv, dtype="float64"), b, v).sum(), [x], create_graph=True)
            return (g * g).sum()

    with autograd.record():
        (g,) = autograd.grad(critic(x, w, b, v).sum(), [x], create_graph=True)
        loss = (g * g).sum()
    loss.backward()
    assert np.abs(w.grad.asnumpy()).sum() > 0
    wa, direction = w.asnumpy(), np.random.RandomState(4).normal(size=(2, 1, 3, 3))
    eps = 1e-6
    fd = (penalty(wa + eps * direction).asscalar() - penalty(wa - eps * direction).asscalar()) / (2 * eps)
    _close((w.grad.asnumpy() * direction).sum(), fd, "d penalty / d w along a direction", rtol=1e-6)


def test_fully_connected_takes_a_column_bias():
    """MXNet 1.9.1 accepts a (num_hidden, 1) bias as well as (num_hidden,)."""
    x = nd.array(np.arange(6).reshape(2, 3))
    w = nd.array(np.arange(12).reshape(4, 3) / 10)
    b = nd.array([[1.0], [2.0], [3.0], [4.0]])
    b.attach_grad()
    with autograd.record():
        out = nd.FullyConnected(x, w, b, num_hidden=4)
    out.backward()
    expected = np.arange(6).reshape(2, 3) @ (np.arange(12).reshape(4, 3) / 10).T + np.array([1, 2, 3, 4])
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-6)
    assert b.grad.shape == (4, 1) and b.grad.asnumpy().ravel().tolist() == [2.0] * 4
    with pytest.raises(MXNetError, match=r"bias has shape \(4, 2\)"):
        nd.FullyConnected(x, w, nd.ones((4, 2)), num_hidden=4)


def test_prelu_gamma_over_the_first_two_axes():
    """MXNet 1.9.1 lays gamma's dimensions over data axes 1 then 0 (values recorded from it)."""
    x = nd.array([[-1., 2., -3.], [4., -5., -6.]])
    full = nd.LeakyReLU(x, gamma=nd.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]), act_type="prelu")
    np.testing.assert_allclose(full.asnumpy(), [[-0.1, 2.0, -0.9], [4.0, -2.5, -3.6]], rtol=1e-6)
    x4 = -nd.ones((2, 3, 2, 2))
    out = nd.LeakyReLU(x4, gamma=nd.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]), act_type="prelu")
    np.testing.assert_allclose(out.asnumpy()[:, :, 1, 1], [[-0.1, -0.2, -0.3], [-0.4, -0.5, -0.6]], rtol=1e-6)
    with pytest.raises(MXNetError, match="Cannot broadcast gamma to data"):
        nd.LeakyReLU(x, gamma=nd.array([0.1, 0.2, 0.3, 0.4]), act_type="prelu").asnumpy()


@pytest.mark.parametrize("op", ["softmax", "softmin"])
def test_float16_softmax_accumulates_in_float32(op):
    # MXNet 1.9.1 sums half precision in float32: the gradient of sum(softmax(x)) stays ~0
    # (recorded on MXNet: max |grad| 3.4e-5 for float16 (100, 500) uniform input; a float16 sum gives ~3e-3)
    x = nd.random.uniform(shape=(100, 500)).astype("float16")
    x.attach_grad()
    with autograd.record():
        y = getattr(nd, op)(x, axis=-1)
    y.backward()
    assert y.dtype == np.float16 and x.grad.dtype == np.float16
    assert np.abs(x.grad.asnumpy()).max() < 1e-4
    np.testing.assert_allclose(y.asnumpy().astype("float32").sum(axis=-1), 1, atol=2e-3)
