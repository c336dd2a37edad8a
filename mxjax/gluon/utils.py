"""``gluon.utils``: splitting batches across devices, global-norm clipping, file helpers.

``download`` keeps MXNet's signature and returns a file that is already present (and, if
``sha1_hash`` is given, has that hash); mxjax does not fetch anything over the network, so
a file that would need downloading raises MXNetError naming the URL and where to put it.
"""
import hashlib
import os
import warnings

import numpy as np

from .. import ndarray
from ..base import MXNetError
from ..ndarray import NDArray

__all__ = ["split_data", "split_and_load", "clip_global_norm", "check_sha1", "download", "replace_file"]


def split_data(data, num_slice, batch_axis=0, even_split=True):
    """Split ``data`` into ``num_slice`` slices along ``batch_axis``.  With ``even_split``
    the size must divide evenly (ValueError otherwise); else the first slices get one extra
    element each.  Slices along axis 0 are views of ``data``, as in MXNet."""
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(
            f"data with shape {data.shape} cannot be evenly split into {num_slice} slices along axis "
            f"{batch_axis}. Use a batch size that's multiple of {num_slice} or set even_split=False to allow "
            "uneven partitioning of data.")
    step, extras = divmod(size, num_slice)
    bounds = np.cumsum([0] + [step + 1] * extras + [step] * (num_slice - extras))
    if batch_axis == 0:
        return [data[int(bounds[i]):int(bounds[i + 1])] for i in range(num_slice)]
    return [ndarray.slice_axis(data, axis=batch_axis, begin=int(bounds[i]), end=int(bounds[i + 1]))
            for i in range(num_slice)]


def split_and_load(data, ctx_list, batch_axis=0, even_split=True):
    """Split ``data`` (an NDArray, or anything ``nd.array`` takes) into one slice per context
    of ``ctx_list`` and copy each slice there."""
    if not isinstance(data, NDArray):
        data = ndarray.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.as_in_context(ctx) for s, ctx in zip(slices, ctx_list)]


def clip_global_norm(arrays, max_norm, check_isfinite=True):
    """Scale ``arrays`` in place so that their joint 2-norm is at most ``max_norm``.

    Returns the norm before scaling: a Python float when ``check_isfinite`` (which also warns
    if it is nan or inf), else a 1-element NDArray (no synchronisation)."""
    if len(arrays) == 0:
        raise AssertionError("clip_global_norm needs at least one array")
    ctx = arrays[0].context
    squares = []
    for arr in arrays:
        if arr.stype == "default":
            flat = arr.reshape((-1,))
            square = ndarray.dot(flat, flat)
        else:   # a sparse gradient cannot be reshaped: the square of its norm (MXNet does the same)
            square = arr.norm().square()
        squares.append(square.as_in_context(ctx))
    total_norm = ndarray.sqrt(ndarray.add_n(*squares))
    if check_isfinite and not np.isfinite(total_norm.asscalar()):
        warnings.warn(UserWarning("nan or inf is detected. Clipping results will be undefined."), stacklevel=2)
    scale = max_norm / (total_norm + 1e-8)
    scale = ndarray.min(ndarray.concat(scale, ndarray.ones(1, ctx=ctx), dim=0))
    for arr in arrays:
        arr *= scale.as_in_context(arr.context)
    if check_isfinite:
        return total_norm.asscalar()
    return total_norm


def check_sha1(filename, sha1_hash):
    """Whether the file's SHA-1 hex digest equals ``sha1_hash``."""
    sha1 = hashlib.sha1()
    with open(filename, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            sha1.update(chunk)
    return sha1.hexdigest() == sha1_hash


def replace_file(src, dst):
    """Move ``src`` onto ``dst``, replacing it."""
    os.replace(src, dst)


def _target_path(url, path):
    if path is None:
        fname = url.split("/")[-1]
        if not fname:
            raise AssertionError("Can't construct file-name from this URL. Please set the `path` option "
                                      "manually.")
        return fname
    path = os.path.expanduser(path)
    return os.path.join(path, url.split("/")[-1]) if os.path.isdir(path) else path


def download(url, path=None, overwrite=False, sha1_hash=None, retries=5, verify_ssl=True):
    """Return the local file for ``url`` (``path``: a file name or a directory).

    MXNet downloads the file unless it exists with the right ``sha1_hash``; mxjax returns an
    existing file the same way and raises MXNetError where MXNet would download, saying
    which file to place where."""
    fname = _target_path(url, path)
    if retries < 0:
        raise AssertionError(f"Number of retries should be at least 0, currently it's {retries}")
    if not verify_ssl:
        warnings.warn("Unverified HTTPS request is being made (verify_ssl=False). Adding certificate "
                      "verification is strongly advised.")
    if not overwrite and os.path.exists(fname) and (not sha1_hash or check_sha1(fname, sha1_hash)):
        return fname
    if os.path.exists(fname) and not overwrite:
        reason = f"{fname} exists but its SHA-1 is not {sha1_hash}"
    elif overwrite:
        reason = "overwrite=True asks for a fresh copy"
    else:
        reason = f"{fname} does not exist"
    raise MXNetError(f"Cannot download {url}: mxjax does not download files ({reason}). Fetch it on a machine "
                     f"with network access and place it at {os.path.abspath(fname)}.")


def _get_repo_url():
    """The base URL of MXNet's dataset/model repository (``MXNET_GLUON_REPO`` overrides it)."""
    repo_url = os.environ.get("MXNET_GLUON_REPO", "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/")
    return repo_url if repo_url.endswith("/") else repo_url + "/"


def _get_repo_file_url(namespace, filename):
    return f"{_get_repo_url()}{namespace}/{filename}"


def _brief_print_list(lst, limit=7):
    """``'a', 'b', ..., 'z'``: at most ``limit`` quoted items."""
    lst = list(lst)
    if len(lst) > limit:
        return _brief_print_list(lst[:limit // 2], limit) + ", ..., " + _brief_print_list(lst[-limit // 2:], limit)
    return ", ".join(f"'{item}'" for item in lst)


def shape_is_known(shape):
    """Whether every dimension of ``shape`` is known (MXNet's legacy convention: 0 is unknown)."""
    if shape is None:
        return False
    if len(shape) == 0:
        return False
    for dim in shape:
        if dim == 0:
            return False
        if dim < 0:
            raise AssertionError(f"shape dimension size cannot be less than 0, while received {dim}")
    return True
