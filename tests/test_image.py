"""mx.image against values recorded from MXNet 1.9.1 (tests/reference/image_cases.py,
recorded by tools/record_mxnet_image.py; MXNet's image operators are OpenCV's), and its
errors.  Runs on mxjax's Pillow + numpy path (OpenCV is not needed)."""
import json
import os
import random
import sys

import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError, NotImplementedForMXJax

pytest.importorskip("PIL")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "reference"))
import image_cases  # noqa: E402

RECORDED = np.load(os.path.join(HERE, "reference", "data", "image.npz"))
# a chain of random resizes, jitters and normalisation by ImageNet's std (float32 rounding)
RESAMPLED_AND_NORMALISED = ("create_augmenter_output",)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """The cases on mxjax's own resampling (an installed OpenCV 5 rounds bicubic differently
    from the OpenCV 3 inside MXNet 1.9.1)."""
    from mxjax.image import resample
    out = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(resample, "opencv", lambda: None)
        for run in image_cases.RUNS:
            out.update(run(mx, str(tmp_path_factory.mktemp(run.__name__))))
    return out


@pytest.mark.parametrize("name", sorted(RECORDED.files))
def test_matches_mxnet(results, name):
    got, want = np.asarray(results[name]), RECORDED[name]
    assert got.shape == want.shape
    if want.dtype.kind == "U":
        assert got.tolist() == want.tolist()
        return
    assert got.dtype == want.dtype
    if name.startswith("resize_float"):
        np.testing.assert_allclose(got, want, atol=1e-4)
    elif name in RESAMPLED_AND_NORMALISED:
        np.testing.assert_allclose(got, want, atol=0.02)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_exact_results_are_bit_exact(results):
    """Decoding (PNG, JPEG, gray), nearest-neighbour, bilinear and area resizing of uint8
    images (OpenCV's fixed-point and float32 arithmetic), borders, crops and ImageIter's batches are MXNet's to
    the bit."""
    exact = [n for n in RECORDED.files if n.startswith(("png_", "jpeg_", "imread", "border_", "fixed_crop",
                                                        "center_crop", "random_", "iter_", "resize_"))
             and not n.startswith("resize_float")]
    assert len(exact) > 40
    for name in exact:
        if RECORDED[name].dtype.kind != "U" and name not in ("random_rotate", "iter_aug_data"):
            np.testing.assert_array_equal(results[name], RECORDED[name], err_msg=name)


def test_decode_errors_are_mxnet_errors(tmp_path):
    with pytest.raises(MXNetError, match="Input cannot be an empty buffer"):
        mx.image.imdecode(b"", to_rgb=0)
    with pytest.raises(MXNetError, match="Decoding failed. Invalid image file"):
        mx.image.imdecode(b"clearly not image content")
    with pytest.raises(MXNetError, match="couldn't open file"):
        mx.img.image.imread(str(tmp_path / "missing.jpg"))
    with pytest.raises(ValueError, match="buf must be of type bytes, bytearray or numpy.ndarray"):
        mx.image.imdecode("a string")


def test_decoded_image_layout_and_out():
    pixels = image_cases.picture(5, 6, 0)
    buf = image_cases.png(pixels)
    img = mx.image.imdecode(buf)
    assert (img.shape, img.dtype) == ((5, 6, 3), np.uint8)
    np.testing.assert_array_equal(img.asnumpy(), pixels)
    assert mx.image.imdecode(buf, flag=0).shape == (5, 6, 1)
    out = mx.nd.zeros((5, 6, 3), dtype=np.uint8)
    assert mx.image.imdecode(buf, to_rgb=False, out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), pixels[:, :, ::-1])


def test_interp_and_shape_errors():
    img = mx.nd.zeros((4, 4, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="Unknown interp method 7"):
        mx.image.resize_short(img, 2, interp=7)
    with pytest.raises(MXNetError, match="3 dimensions"):
        mx.image.imresize(mx.nd.zeros((4, 4)), 2, 2)


def test_resize_float_keeps_dtype_and_copy_make_border_out():
    img = mx.nd.array(image_cases.picture(6, 7, 1).astype(np.float32))
    resized = mx.image.imresize(img, 3, 9, interp=2)
    assert (resized.shape, resized.dtype) == ((9, 3, 3), np.float32)
    out = mx.nd.zeros((8, 10, 3))
    assert mx.image.copyMakeBorder(img, 1, 1, 2, 1, type=1, out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), np.pad(img.asnumpy(), ((1, 1), (2, 1), (0, 0)), mode="edge"))


def test_imrotate_errors():
    img = mx.nd.random.uniform(0, 1, (3, 6, 8))
    with pytest.raises(ValueError, match="cannot be both True"):
        mx.image.imrotate(img, 10, zoom_in=True, zoom_out=True)
    with pytest.raises(TypeError, match="required to be a scalar"):
        mx.image.imrotate(img, mx.nd.array([1, 2]))
    with pytest.raises(TypeError, match="Only `float32` images"):
        mx.image.imrotate(img.astype("float64"), 10)
    with pytest.raises(ValueError, match="number of images must be equal"):
        mx.image.imrotate(mx.nd.stack(img, img), mx.nd.array([1, 2, 3]))
    with pytest.raises(ValueError, match="Only 3D and 4D"):
        mx.image.imrotate(img[0], 10)


def test_augmenter_dumps_and_in_place_jitter():
    aug = mx.image.ColorNormalizeAug(mx.nd.array([1, 2, 3]), np.array([2.0, 2.0, 2.0]))
    assert json.loads(aug.dumps()) == ["colornormalizeaug", {"mean": [1.0, 2.0, 3.0], "std": [2.0, 2.0, 2.0]}]
    assert mx.image.CastAug().dumps() == '["castaug", {"type": "float32"}]'
    seq = mx.image.SequentialAug([mx.image.HorizontalFlipAug(0.5)])
    assert seq.dumps() == ["sequentialaug", ['["horizontalflipaug", {"p": 0.5}]']]
    src = mx.nd.ones((2, 2, 3))
    random.seed(0)
    assert mx.image.BrightnessJitterAug(0.5)(src) is src
    assert not np.allclose(src.asnumpy(), 1)
    with pytest.raises(NotImplementedError, match="Must override implementation"):
        mx.image.Augmenter()(src)


def test_image_iter_arguments(tmp_path):
    with pytest.raises(ValueError, match="data_shape should have length 3"):
        mx.image.ImageIter(2, (3, 4), imglist=[[0, "a.png"]], path_root=str(tmp_path))
    with pytest.raises(ValueError, match="expects inputs to have 3 channels"):
        mx.image.ImageIter(2, (1, 4, 4), imglist=[[0, "a.png"]], path_root=str(tmp_path))
    (tmp_path / "x.lst").write_text("0\t0.5\tx.png\n")
    with pytest.raises(TypeError, match="source_array must be array like object"):
        mx.image.ImageIter(1, (3, 4, 4), path_imglist=str(tmp_path / "x.lst"), path_root=str(tmp_path), dtype="int32")
    (tmp_path / "bad.png").write_bytes(b"not an image")
    it = mx.image.ImageIter(1, (3, 4, 4), imglist=[[0, "bad.png"]], path_root=str(tmp_path))
    with pytest.raises(RuntimeError, match="Broken image filename: bad.png"):
        it.next()


def test_missing_codec_names_the_extra(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_codecs(name, *args, **kwargs):
        if name in ("cv2", "PIL", "PIL.Image"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_codecs)
    with pytest.raises(ImportError, match=r"pip install 'mxjax\[image\]'"):
        mx.image.imdecode(image_cases.png(image_cases.picture(2, 2, 0)))


def test_module_surface():
    assert mx.img is mx.image
    assert mx.image.image.ImageIter is mx.image.ImageIter
    with pytest.raises(NotImplementedForMXJax, match="mxnet.image.ImageDetIter is not provided by mxjax"):
        mx.image.ImageDetIter


def test_image_iter_reads_pack_img_records_as_rgb(tmp_path):
    """``recordio.pack_img`` stores OpenCV's BGR order (its PNG ``quality`` 95 clamps to
    compression 9, as OpenCV's); ImageIter decodes to RGB and pads the last batch from the start."""
    rgb = image_cases.picture(6, 6, 9)
    rec = str(tmp_path / "a.rec")
    writer = mx.recordio.MXRecordIO(rec, "w")
    for k in range(3):
        writer.write(mx.recordio.pack_img(mx.recordio.IRHeader(0, k, k, 0), rgb[..., ::-1], img_fmt=".png"))
    writer.close()
    it = mx.image.ImageIter(2, (3, 6, 6), path_imgrec=rec)
    first, last = it.next(), it.next()
    np.testing.assert_array_equal(first.data[0][0].asnumpy(), rgb.transpose(2, 0, 1))
    assert (first.label[0].asnumpy().tolist(), first.pad) == ([0.0, 1.0], 0)
    assert (last.label[0].asnumpy().tolist(), last.pad) == ([2.0, 0.0], 1)
    with pytest.raises(StopIteration):
        it.next()
