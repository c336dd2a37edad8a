"""gluon.data.vision.transforms cases whose outputs were recorded from MXNet 1.9.1.

A case names a transform under ``gluon.data.vision.transforms`` with its constructor
arguments (a list of such triples for Compose) and one input image spec (see
``case.make_input``).  This module imports neither mxnet nor mxjax:
``tools/record_mxnet_gluon_data.py`` runs the cases under real MXNet,
``tests/test_data.py`` under mxjax.  Random transforms that draw from Python's ``random``
(RandomResizedCrop, RandomApply) are deterministic after ``random.seed(python_seed)``.
"""
import random
import dataclasses

from case import integers, make_input, uniform


@dataclasses.dataclass
class TransformCase:
    id: str
    transform: tuple            # (class name, args, kwargs), or ("Compose", [triples], {})
    input: tuple
    rtol: float = 1e-6
    atol: float = 1e-5
    python_seed: int = None


def img(shape, seed, dtype="uint8"):
    return integers(shape, 0, 256, dtype=dtype, seed=seed)


CASES = [
    TransformCase("to_tensor_u8", ("ToTensor", (), {}), img((5, 7, 3), 1)),
    TransformCase("to_tensor_float64", ("ToTensor", (), {}), img((5, 7, 1), 2, "float64")),
    TransformCase("to_tensor_batch", ("ToTensor", (), {}), img((2, 4, 3, 3), 3)),
    TransformCase("normalize_scalar", ("Normalize", (0.5, 0.25), {}), uniform((3, 4, 5), 0, 1, seed=4)),
    TransformCase("normalize_channels", ("Normalize", ((0.4, 0.5, 0.6), (0.2, 0.3, 0.4)), {}),
                  uniform((3, 4, 5), 0, 1, seed=5)),
    TransformCase("normalize_batch", ("Normalize", ((0.4, 0.5, 0.6), (0.2, 0.3, 0.4)), {}),
                  uniform((2, 3, 4, 5), 0, 1, seed=6)),
    TransformCase("normalize_one_channel", ("Normalize", (0.3, 0.7), {}), uniform((1, 4, 5), 0, 1, seed=7)),
    TransformCase("cast_default", ("Cast", (), {}), img((4, 4, 3), 8)),
    TransformCase("cast_float16", ("Cast", ("float16",), {}), img((4, 4, 3), 9)),
    TransformCase("resize_int", ("Resize", (6,), {}), img((9, 13, 3), 10)),
    TransformCase("resize_wh", ("Resize", ((11, 5),), {}), img((9, 13, 3), 11)),
    TransformCase("resize_up", ("Resize", ((20, 17),), {}), img((9, 13, 1), 12)),
    TransformCase("resize_keep_ratio", ("Resize", (5,), {"keep_ratio": True}), img((9, 13, 3), 13)),
    TransformCase("resize_keep_ratio_tall", ("Resize", (4,), {"keep_ratio": True}), img((13, 9, 3), 14)),
    TransformCase("resize_half", ("Resize", ((7, 5),), {}), img((10, 14, 3), 15)),
    TransformCase("resize_nearest", ("Resize", ((8, 6),), {"interpolation": 0}), img((9, 13, 3), 16)),
    TransformCase("resize_nearest_up", ("Resize", ((34, 21),), {"interpolation": 0}), img((12, 28, 3), 17)),
    TransformCase("resize_float", ("Resize", ((8, 6),), {}), img((9, 13, 3), 18, "float32"), rtol=1e-5),
    TransformCase("resize_batch", ("Resize", ((8, 6),), {}), img((2, 9, 13, 3), 19)),
    TransformCase("center_crop", ("CenterCrop", (4,), {}), img((9, 13, 3), 20)),
    TransformCase("center_crop_wh", ("CenterCrop", ((6, 3),), {}), img((9, 13, 3), 21)),
    TransformCase("center_crop_upscale", ("CenterCrop", ((16, 12),), {}), img((9, 13, 3), 22)),
    TransformCase("center_crop_nearest", ("CenterCrop", ((16, 4),), {"interpolation": 0}), img((9, 13, 3), 23)),
    TransformCase("compose", ("Compose", [("Resize", (8,), {}), ("CenterCrop", (6,), {}), ("ToTensor", (), {}),
                                          ("Normalize", ((0.4, 0.5, 0.6), (0.2, 0.3, 0.4)), {})], {}),
                  img((10, 12, 3), 24)),
    TransformCase("random_resized_crop", ("RandomResizedCrop", (5,), {}), img((12, 16, 3), 25), python_seed=3),
    TransformCase("random_resized_crop_opts", ("RandomResizedCrop", ((6, 4),), {"scale": (0.5, 0.9),
                                                                                "ratio": (0.5, 2.0)}),
                  img((12, 16, 3), 26), python_seed=11),
    TransformCase("random_resized_crop_fallback", ("RandomResizedCrop", (4,), {"scale": (3.0, 4.0)}),
                  img((8, 10, 3), 27), python_seed=0),
    TransformCase("random_apply", ("RandomApply", [("Resize", (4,), {}), ("CenterCrop", (2,), {})], {"p": 0.5}),
                  img((8, 10, 3), 28), python_seed=1),
    TransformCase("random_apply_skipped", ("RandomApply", [("Resize", (4,), {})], {"p": 0.5}),
                  img((8, 10, 3), 29), python_seed=0),
]


def build(transforms, spec):
    name, args, kwargs = spec
    if name == "Compose":
        return transforms.Compose([build(transforms, s) for s in args])
    if name == "RandomApply":
        return transforms.RandomApply(transforms.Compose([build(transforms, s) for s in args]), **kwargs)
    return getattr(transforms, name)(*args, **kwargs)


def run_transform_case(mx, case):
    """The transform's output as a numpy array (run with mxnet or mxjax as ``mx``)."""
    value = make_input(case.input)
    x = mx.nd.array(value, dtype=value.dtype)
    if case.python_seed is not None:
        random.seed(case.python_seed)
    return build(mx.gluon.data.vision.transforms, case.transform)(x).asnumpy()
