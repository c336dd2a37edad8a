"""Spatial sampling and cropping: GridGenerator, BilinearSampler, SpatialTransformer, Crop.

Sampling grids hold normalised coordinates: x = -1 is the left pixel centre, x = 1 the right
one (likewise y), channel 0 of a grid is x, channel 1 is y.  Samples outside the image read
zeros, corner by corner, as in MXNet."""
import jax.numpy as jnp

from ...base import MXNetError
from ..registry import REQUIRED, register


def _affine_grid(theta, height, width, dtype):
    ys = jnp.linspace(-1.0, 1.0, height, dtype=dtype)
    xs = jnp.linspace(-1.0, 1.0, width, dtype=dtype)
    target = jnp.stack([jnp.broadcast_to(xs, (height, width)), jnp.broadcast_to(ys[:, None], (height, width)),
                        jnp.ones((height, width), dtype)])                       # (3, H, W)
    return jnp.einsum("nij,jhw->nihw", theta.reshape(-1, 2, 3), target)


@register("GridGenerator", attrs=dict(transform_type=REQUIRED, target_shape=(0, 0)))
def _grid_generator(data, transform_type, target_shape):
    """A sampling grid (N, 2, H, W).  ``affine``: ``data`` (N, 6) is a 2x3 matrix per sample
    mapping the target's normalised (x, y, 1) to the source's, over a ``target_shape`` (H, W)
    target.  ``warp``: ``data`` (N, 2, H, W) is a flow in pixels added to each pixel's
    position, then normalised."""
    if transform_type == "affine":
        if data.ndim != 2 or data.shape[1] != 6:
            raise MXNetError(f"GridGenerator: affine data must be (N, 6), got shape {data.shape}")
        height, width = target_shape
        return _affine_grid(data, height, width, data.dtype)
    if transform_type == "warp":
        if data.ndim != 4 or data.shape[1] != 2:
            raise MXNetError(f"GridGenerator: warp data must be (N, 2, H, W), got shape {data.shape}")
        height, width = data.shape[2:]
        xs = (data[:, 0] + jnp.arange(width, dtype=data.dtype)) / ((width - 1) / 2) - 1
        ys = (data[:, 1] + jnp.arange(height, dtype=data.dtype)[:, None]) / ((height - 1) / 2) - 1
        return jnp.stack([xs, ys], 1)
    raise MXNetError(f"GridGenerator: transform_type must be 'affine' or 'warp', got {transform_type!r}")


def _sample(data, grid):
    """Bilinear samples of ``data`` (N, C, H, W) at ``grid`` (N, 2, Ho, Wo): (N, C, Ho, Wo)."""
    height, width = data.shape[2:]
    x = (grid[:, 0] + 1) * (width - 1) / 2
    y = (grid[:, 1] + 1) * (height - 1) / 2
    x0, y0 = jnp.floor(x), jnp.floor(y)
    out = 0
    for dy in (0, 1):
        for dx in (0, 1):
            xi, yi = x0 + dx, y0 + dy
            weight = (1 - jnp.abs(x - xi)) * (1 - jnp.abs(y - yi))
            inside = (xi >= 0) & (xi <= width - 1) & (yi >= 0) & (yi <= height - 1)
            flat = (jnp.clip(yi, 0, height - 1) * width + jnp.clip(xi, 0, width - 1)).astype(jnp.int32)
            values = jnp.take_along_axis(data.reshape(data.shape[:2] + (-1,)),
                                         flat.reshape(flat.shape[0], 1, -1), axis=2).reshape(
                data.shape[:2] + flat.shape[1:])
            out = out + values * jnp.where(inside, weight, 0)[:, None]
    return out.astype(data.dtype)


@register("BilinearSampler", inputs=("data", "grid"), attrs=dict(cudnn_off=None))
def _bilinear_sampler(data, grid, cudnn_off):
    """Samples ``data`` (N, C, H, W) at the normalised positions of ``grid`` (N, 2, Ho, Wo)
    by bilinear interpolation, zeros outside the image."""
    if data.ndim != 4 or grid.ndim != 4 or grid.shape[1] != 2 or grid.shape[0] != data.shape[0]:
        raise MXNetError(f"BilinearSampler: data must be (N, C, H, W) and grid (N, 2, Ho, Wo), got {data.shape} "
                         f"and {grid.shape}")
    return _sample(data, grid)


@register("SpatialTransformer", inputs=("data", "loc"),
          attrs=dict(target_shape=(0, 0), transform_type=REQUIRED, sampler_type=REQUIRED, cudnn_off=None))
def _spatial_transformer(data, loc, target_shape, transform_type, sampler_type, cudnn_off):
    """``BilinearSampler(data, GridGenerator(loc, 'affine', target_shape))``."""
    if transform_type != "affine" or sampler_type != "bilinear":
        raise MXNetError("SpatialTransformer: only transform_type='affine' with sampler_type='bilinear' exists")
    height, width = target_shape
    return _sample(data, _affine_grid(loc, height, width, data.dtype))


@register("Crop", inputs=(), variadic=True, attrs=dict(num_args=None, offset=(0, 0), h_w=(0, 0), center_crop=False))
def _crop(*data, num_args, offset, h_w, center_crop):
    """The (h, w) window of ``data[0]`` (N, C, H, W): of size ``h_w``, or of ``data[1]``'s
    spatial size when a second array is given; at ``offset`` (y, x) or centred (offsets
    rounded down)."""
    if len(data) not in (1, 2) or data[0].ndim != 4:
        raise MXNetError("Crop: needs one (N, C, H, W) array and optionally a second one giving the size")
    height, width = data[0].shape[2:]
    h, w = data[1].shape[2:4] if len(data) == 2 else h_w
    y, x = ((height - h) // 2, (width - w) // 2) if center_crop else offset
    if h <= 0 or w <= 0 or y < 0 or x < 0 or y + h > height or x + w > width:
        raise MXNetError(f"Crop: window {h}x{w} at offset ({y}, {x}) does not fit in {height}x{width}")
    return data[0][:, :, y:y + h, x:x + w]
