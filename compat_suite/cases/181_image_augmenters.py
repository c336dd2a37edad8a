"""mx.image on a synthetic photo: imresize with each interpolation, resize_short, center/fixed
crops, color_normalize, and the deterministic pipeline CreateAugmenter builds for evaluation
(resize, center crop, cast, mean/std), plus the always-on flip and the augmenters' dumps()."""
import numpy as np
import mxnet as mx
from compat_emit import emit

rs = np.random.RandomState(0)
# a smooth gradient plus noise, as a photo-like uint8 HxWxC image
yy, xx = np.mgrid[0:24, 0:32]
base = np.stack([yy * 10, xx * 7, (yy + xx) * 4], axis=-1) + rs.randint(0, 20, (24, 32, 3))
img = mx.nd.array(np.clip(base, 0, 255), dtype="uint8")

for interp in (0, 1, 2, 3):
    emit(f"imresize_{interp}", mx.image.imresize(img, 16, 12, interp=interp))
small = mx.image.resize_short(img, 12)
emit("resize_short", [small.shape, small.dtype.__name__])
cropped, box = mx.image.center_crop(img, (20, 16))
emit("center_crop", [cropped.shape, list(box)])
emit("center_crop_pixels", cropped[::5, ::5])
emit("fixed_crop", mx.image.fixed_crop(img, 4, 2, 10, 8))
emit("fixed_crop_resized", mx.image.fixed_crop(img, 4, 2, 10, 8, size=(5, 4)).shape)
mean = mx.nd.array([123.68, 116.28, 103.53])
std = mx.nd.array([58.395, 57.12, 57.375])
emit("color_normalize", mx.image.color_normalize(img.astype("float32"), mean, std)[:3, :3])

augs = mx.image.CreateAugmenter(data_shape=(3, 16, 16), resize=20, mean=True, std=True)
emit("eval_augs", [type(a).__name__ for a in augs])
emit("eval_dumps", [a.dumps() for a in augs])
out = img
for aug in augs:
    out = aug(out)
emit("eval_out", out)
chw = mx.nd.transpose(out, axes=(2, 0, 1)).expand_dims(0)
emit("batch_shape", chw.shape)

flip = mx.image.HorizontalFlipAug(1.0)
emit("flip", flip(img)[0, :4])
cast = mx.image.CastAug("float16")
emit("cast_dtype", cast(img).dtype.__name__)
force = mx.image.ForceResizeAug((10, 7))
emit("force_resize", force(img).shape)
seq = mx.image.SequentialAug([mx.image.ForceResizeAug((8, 8)), mx.image.CastAug()])
emit("sequential", [seq(img).shape, seq(img).dtype.__name__, seq.dumps()])
