"""mx.image cases, run by tools/record_mxnet_image.py under real MXNet 1.9.1 and by
tests/test_image.py under mxjax.  Each ``run_*(mx, tmpdir)`` returns name -> numpy array;
the images are made here (PNG written with zlib, a JPEG fixture from tests/reference/data),
so neither side needs an image library of its own."""
import os
import random
import struct
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
JPEG_FIXTURE = os.path.join(HERE, "data", "image_fixture.jpg")


def png(pixels):
    """PNG bytes of a uint8 HxW (gray) or HxWx3 / HxWx4 (RGB / RGBA) array."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    h, w = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    raw = b"".join(b"\0" + pixels[i].tobytes() for i in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def picture(h, w, seed):
    """A smooth test picture with some noise (uint8, HxWx3)."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w]
    smooth = np.stack([x * 255.0 / w, y * 255.0 / h, 127.5 + 127.5 * np.sin((x + y) / 3.0)], -1)
    return np.clip(smooth + rng.uniform(-25, 25, smooth.shape), 0, 255).astype(np.uint8)


def run_decode(mx, tmpdir):
    out = {}
    rgb = picture(9, 13, 0)
    buf = png(rgb)
    out["png_rgb"] = mx.image.imdecode(buf).asnumpy()
    out["png_bgr"] = mx.image.imdecode(buf, to_rgb=0).asnumpy()
    out["png_bytearray"] = mx.image.imdecode(bytearray(buf)).asnumpy()
    out["png_ndarray"] = mx.image.imdecode(mx.nd.array(np.frombuffer(buf, np.uint8), dtype=np.uint8)).asnumpy()
    out["png_rgba"] = mx.image.imdecode(png(np.dstack([rgb, rgb[..., :1]]))).asnumpy()
    out["png_gray_as_color"] = mx.image.imdecode(png(rgb[..., 1])).asnumpy()
    out["png_gray_flag0"] = mx.image.imdecode(png(rgb[..., 1]), flag=0).asnumpy()
    out["png_rgb_flag0"] = mx.image.imdecode(buf, flag=0).asnumpy()
    path = os.path.join(tmpdir, "pic.png")
    with open(path, "wb") as f:
        f.write(buf)
    out["imread_bgr"] = mx.image.imread(path, to_rgb=False).asnumpy()
    with open(JPEG_FIXTURE, "rb") as f:
        jpeg = f.read()
    out["jpeg_rgb"] = mx.image.imdecode(jpeg).asnumpy()
    out["jpeg_flag0"] = mx.image.imdecode(jpeg, flag=0).asnumpy()
    return out


RESIZES = {"up": (31, 22), "down": (7, 5), "mixed": (40, 6), "half": (12, 8), "down_odd": (9, 11)}


def run_resize(mx, tmpdir):
    out = {}
    img = mx.nd.array(picture(16, 24, 1), dtype=np.uint8)
    for name, (w, h) in RESIZES.items():
        for interp in range(5):
            out[f"resize_{name}_{interp}"] = mx.image.imresize(img, w, h, interp=interp).asnumpy()
    # sizes where x * src/dst is a whole number that OpenCV's rounded 1 / (dst/src) lands below
    boundary = mx.nd.array(picture(6, 14, 8), dtype=np.uint8)
    for interp in (0, 1):
        out[f"resize_boundary_{interp}"] = mx.image.imresize(boundary, 18, 34, interp=interp).asnumpy()
    out["resize_float_1"] = mx.image.imresize(img.astype("float32"), 31, 22, interp=1).asnumpy()
    out["resize_float_2"] = mx.image.imresize(img.astype("float32"), 7, 5, interp=2).asnumpy()
    target = mx.nd.zeros((5, 7, 3), dtype=np.uint8)
    mx.image.imresize(img, 7, 5, interp=0, out=target)
    out["resize_out"] = target.asnumpy()
    out["resize_short"] = mx.image.resize_short(img, 10).asnumpy()
    out["resize_short_tall"] = mx.image.resize_short(mx.nd.array(picture(24, 16, 2), dtype=np.uint8), 20, 1).asnumpy()
    for border in range(5):
        out[f"border_{border}"] = mx.image.copyMakeBorder(img, 2, 3, 4, 1, type=border, values=[10, 20, 30]).asnumpy()
    out["border_value"] = mx.image.copyMakeBorder(img, 1, 1, 1, 1, value=7).asnumpy()
    return out


def run_crops(mx, tmpdir):
    out = {}
    img = mx.nd.array(picture(20, 30, 3), dtype=np.uint8)
    out["fixed_crop"] = mx.image.fixed_crop(img, 3, 4, 10, 8).asnumpy()
    out["fixed_crop_resized"] = mx.image.fixed_crop(img, 3, 4, 10, 8, size=(5, 4), interp=1).asnumpy()
    crop, rect = mx.image.center_crop(img, (12, 9))
    out["center_crop"], out["center_crop_rect"] = crop.asnumpy(), np.array(rect)
    crop, rect = mx.image.center_crop(img, (40, 10))
    out["center_crop_up"], out["center_crop_up_rect"] = crop.asnumpy(), np.array(rect)
    random.seed(7)
    rects = []
    for _ in range(4):
        crop, rect = mx.image.random_crop(img, (11, 6))
        rects.append(rect)
    out["random_crop_last"], out["random_crop_rects"] = crop.asnumpy(), np.array(rects)
    random.seed(8)
    rects = [mx.image.random_size_crop(img, (10, 10), 0.2, (0.5, 2.0))[1] for _ in range(5)]
    out["random_size_crop_rects"] = np.array(rects)
    random.seed(9)
    out["interp_random"] = np.array([mx.image.image._get_interp_method(10) for _ in range(8)])
    out["interp_auto"] = np.array([mx.image.image._get_interp_method(9, s) for s in
                                   [(), (2, 2, 3, 3), (3, 3, 2, 2), (2, 3, 3, 2)]])
    out["scale_down"] = np.array([mx.image.scale_down((640, 480), (720, 120)), mx.image.scale_down((30, 20), (10, 40))])
    src = mx.nd.array(picture(4, 5, 4).astype(np.float32))
    normalized = mx.image.color_normalize(src, mx.nd.array([100, 110, 120]), mx.nd.array([50, 60, 70]))
    out["color_normalize"], out["color_normalize_src_after"] = normalized.asnumpy(), src.asnumpy()
    return out


def run_rotate(mx, tmpdir):
    out = {}
    chw = mx.nd.array(picture(10, 14, 5).transpose(2, 0, 1).astype(np.float32) / 255)
    out["rotate"] = mx.image.imrotate(chw, 30).asnumpy()
    out["rotate_zoom_in"] = mx.image.imrotate(chw, -40, zoom_in=True).asnumpy()
    out["rotate_zoom_out"] = mx.image.imrotate(chw, 120, zoom_out=True).asnumpy()
    batch = mx.nd.stack(chw, chw * 0.5)
    out["rotate_batch"] = mx.image.imrotate(batch, mx.nd.array([10, -75])).asnumpy()
    np.random.seed(3)
    out["random_rotate"] = mx.image.random_rotate(chw, (-20, 20)).asnumpy()
    return out


def _aug_input(mx):
    return mx.nd.array(picture(6, 8, 6).astype(np.float32))


def run_augmenters(mx, tmpdir):
    out = {}
    image = mx.image
    augs = {
        "brightness": image.BrightnessJitterAug(0.3),
        "contrast": image.ContrastJitterAug(0.3),
        "saturation": image.SaturationJitterAug(0.3),
        "hue": image.HueJitterAug(0.4),
        "color_jitter": image.ColorJitterAug(0.2, 0.3, 0.4),
        "lighting": image.LightingAug(0.1, np.array([55.46, 4.794, 1.148]),
                                      np.array([[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140],
                                                [-0.5836, -0.6948, 0.4203]])),
        "gray": image.RandomGrayAug(0.9),
        "flip": image.HorizontalFlipAug(0.9),
        "normalize": image.ColorNormalizeAug(mx.nd.array([100, 110, 120]), np.array([50.0, 60.0, 70.0])),
        "cast": image.CastAug("float64"),
        "force_resize": image.ForceResizeAug((5, 9), 1),
        "resize": image.ResizeAug(4, 0),
        "random_crop": image.RandomCropAug((5, 3), 2),
        "random_sized_crop": image.RandomSizedCropAug((4, 4), (0.3, 0.8), (0.7, 1.4), 1),
        "center_crop": image.CenterCropAug((4, 5), 0),
    }
    for name, aug in augs.items():
        random.seed(11)
        np.random.seed(11)
        out[f"aug_{name}"] = aug(_aug_input(mx)).asnumpy()
    random.seed(12)
    np.random.seed(12)
    sequence = image.SequentialAug([image.HorizontalFlipAug(1.0), image.BrightnessJitterAug(0.5)])
    out["aug_sequential"] = sequence(_aug_input(mx)).asnumpy()
    order = image.RandomOrderAug([image.BrightnessJitterAug(0.5), image.ContrastJitterAug(0.5),
                                  image.SaturationJitterAug(0.5)])
    out["aug_random_order"] = order(_aug_input(mx)).asnumpy()
    listed = image.CreateAugmenter((3, 4, 4), resize=5, rand_crop=True, rand_resize=True, rand_mirror=True,
                                   mean=True, std=True, brightness=0.1, contrast=0.1, saturation=0.1, hue=0.1,
                                   pca_noise=0.1, rand_gray=0.2, inter_method=10)
    out["create_augmenter_dumps"] = np.array([str(a.dumps()) for a in listed])
    random.seed(13)
    np.random.seed(13)
    data = mx.nd.array(picture(9, 7, 7), dtype=np.uint8)
    for aug in listed:
        data = aug(data)
    out["create_augmenter_output"] = data.asnumpy()
    plain = image.CreateAugmenter((3, 5, 6), mean=np.array([1.0, 2.0, 3.0]), std=np.array([2.0]))
    out["create_augmenter_plain_dumps"] = np.array([str(a.dumps()) for a in plain])
    return out


def _write_images(tmpdir, count):
    names = []
    for k in range(count):
        name = f"im{k}.png"
        with open(os.path.join(tmpdir, name), "wb") as f:
            f.write(png(picture(8 + k, 9 + 2 * k, 20 + k)))
        names.append(name)
    return names


def _epochs(it, epochs=2):
    """Every batch of ``epochs`` epochs: data, label and pad, flattened to arrays."""
    data, labels, pads = [], [], []
    for _ in range(epochs):
        for batch in it:
            data.append(batch.data[0].asnumpy())
            labels.append(batch.label[0].asnumpy())
            pads.append(batch.pad)
        it.reset()
    return np.stack(data), np.stack(labels), np.array(pads)


def run_iter(mx, tmpdir):
    out = {}
    names = _write_images(tmpdir, 5)
    imglist = [[float(k), name] for k, name in enumerate(names)]
    lst = os.path.join(tmpdir, "images.lst")
    with open(lst, "w") as f:
        for k, name in enumerate(names):
            f.write(f"{k}\t{k * 10}\t{k + 1}\t{name}\n")
    for handle in ("pad", "discard", "roll_over"):
        it = mx.image.ImageIter(2, (3, 6, 7), imglist=imglist, path_root=tmpdir, last_batch_handle=handle)
        data, labels, pads = _epochs(it)
        out[f"iter_{handle}_data"], out[f"iter_{handle}_label"], out[f"iter_{handle}_pad"] = data, labels, pads
    it = mx.image.ImageIter(3, (3, 5, 5), label_width=2, path_imglist=lst, path_root=tmpdir, dtype="int32")
    out["iter_lst_data"], out["iter_lst_label"], out["iter_lst_pad"] = _epochs(it, 1)
    random.seed(21)
    it = mx.image.ImageIter(2, (3, 6, 6), imglist=imglist, path_root=tmpdir, shuffle=True)
    out["iter_shuffle_label"] = _epochs(it)[1]
    rec, idx = os.path.join(tmpdir, "images.rec"), os.path.join(tmpdir, "images.idx")
    writer = mx.recordio.MXIndexedRecordIO(idx, rec, "w")
    for k, name in enumerate(names):
        with open(os.path.join(tmpdir, name), "rb") as f:
            writer.write_idx(k, mx.recordio.pack(mx.recordio.IRHeader(0, float(k) + 0.25, k, 0), f.read()))
    writer.close()
    it = mx.image.ImageIter(2, (3, 6, 6), path_imgrec=rec)
    out["iter_rec_data"], out["iter_rec_label"], out["iter_rec_pad"] = _epochs(it)
    it = mx.image.ImageIter(2, (3, 6, 6), path_imgrec=rec, path_imgidx=idx, num_parts=2, part_index=1)
    out["iter_rec_part_label"], out["iter_rec_part_pad"] = _epochs(it, 1)[1:]
    random.seed(3)
    np.random.seed(3)
    it = mx.image.ImageIter(2, (3, 6, 6), imglist=imglist, path_root=tmpdir, rand_crop=True, rand_mirror=True,
                            mean=True, std=True, brightness=0.2, pca_noise=0.1)
    out["iter_aug_data"] = _epochs(it, 1)[0]
    out["iter_provide"] = np.array([str(it.provide_data), str(it.provide_label)])
    return out


RUNS = (run_decode, run_resize, run_crops, run_rotate, run_augmenters, run_iter)
