"""``gluon.utils``: splitting batches across devices, global-norm clipping, file helpers.

``download`` is MXNet's: a file that is already present (with the right ``sha1_hash``, if
given) is returned as it is, anything else is fetched with ``requests.get`` (MXNet's own
optional dependency; without ``requests`` installed, with the standard library's urllib)
into a uniquely named temporary file that then replaces the target, so that several
processes downloading the same file leave exactly one copy.
"""
import hashlib
import os
import uuid
import warnings

import numpy as np

from .. import ndarray
from .._engine import replicas
from .._engine.graph import constant
from ..ndarray import NDArray
from ..ndarray.ndarray import from_value

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
    devices = [ctx.jax_device for ctx in ctx_list]
    if len(set(devices)) == len(devices) and data.shape[batch_axis] % len(devices) == 0 and data.stype == "default":
        # contexts on distinct devices: one sharded transfer, each slice a concrete array on
        # its device (every context's step then starts alike: one SPMD program can run them)
        blocks = replicas.scatter(data._data(), devices, batch_axis)
        return [from_value(constant(b, ctx)) for b, ctx in zip(blocks, ctx_list)]
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


def _http_get_chunks(url, verify_ssl):
    """The response body of ``url`` as an iterator of byte chunks; RuntimeError unless HTTP 200."""
    try:
        import requests
    except ImportError:
        requests = None
    if requests is not None:
        response = requests.get(url, stream=True, verify=verify_ssl)
        if response.status_code != 200:
            raise RuntimeError(f"Failed downloading url {url}")
        return response.iter_content(chunk_size=1024)
    import ssl
    import urllib.request
    context = None if verify_ssl else ssl._create_unverified_context()  # pylint: disable=protected-access
    with urllib.request.urlopen(url, context=context) as response:
        if response.status != 200:
            raise RuntimeError(f"Failed downloading url {url}")
        return [response.read()]


def _fetch(url, fname, sha1_hash, verify_ssl):
    """One download attempt: write into ``fname.<uuid>``, then move it onto ``fname`` unless
    another process has meanwhile put a good copy there (then the temporary file is dropped
    with a warning, as MXNet does)."""
    print(f"Downloading {fname} from {url}...")
    chunks = _http_get_chunks(url, verify_ssl)
    partial = f"{fname}.{uuid.uuid4()}"
    with open(partial, "wb") as fh:
        for chunk in chunks:
            if chunk:
                fh.write(chunk)
    if not os.path.exists(fname) or (sha1_hash and not check_sha1(fname, sha1_hash)):
        replace_file(partial, fname)
    else:
        try:
            os.remove(partial)
        except OSError:
            pass
        warnings.warn(f"File {fname} exists in file system so the downloaded file is deleted")
    if sha1_hash and not check_sha1(fname, sha1_hash):
        raise UserWarning(f"File {fname} is downloaded but the content hash does not match. The repo may be "
                          "outdated or download may be incomplete. If the \"repo_url\" is overridden, consider "
                          "switching to the default repo.")


def download(url, path=None, overwrite=False, sha1_hash=None, retries=5, verify_ssl=True):
    """Download ``url`` to ``path`` (a file name or an existing directory; default: the URL's
    last component in the current directory) and return the file's path.

    An existing file is kept unless ``overwrite`` or its SHA-1 differs from ``sha1_hash``.
    A failed attempt (network error, HTTP status other than 200, wrong hash) is retried
    ``retries`` times in all, as MXNet counts them; the last failure is raised as it is."""
    fname = _target_path(url, path)
    if retries < 0:
        raise AssertionError(f"Number of retries should be at least 0, currently it's {retries}")
    if not verify_ssl:
        warnings.warn("Unverified HTTPS request is being made (verify_ssl=False). Adding certificate "
                      "verification is strongly advised.")
    if not overwrite and os.path.exists(fname) and (not sha1_hash or check_sha1(fname, sha1_hash)):
        return fname
    os.makedirs(os.path.dirname(os.path.abspath(fname)), exist_ok=True)
    while True:
        try:
            _fetch(url, fname, sha1_hash, verify_ssl)
            return fname
        except Exception as err:  # pylint: disable=broad-except  (MXNet retries on any failure)
            retries -= 1
            if retries <= 0:
                raise
            print(f"download failed due to {err!r}, retrying, {retries} attempt{'s' if retries > 1 else ''} left")


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
