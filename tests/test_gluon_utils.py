"""gluon.utils as MXNet 1.9.1 (numbers and messages recorded from MXNet 1.9.1 on the same calls)."""
import hashlib
import inspect
import os
import warnings

import numpy as np
import pytest

import mxjax as mx
from mxjax import nd
from mxjax.gluon import utils


def test_split_data():
    x = nd.arange(30).reshape((10, 3))
    assert [s.shape for s in utils.split_data(x, 3, even_split=False)] == [(4, 3), (3, 3), (3, 3)]
    first = utils.split_data(x.T, 4, batch_axis=1, even_split=False)[0]
    assert first.asnumpy().tolist() == [[0.0, 3.0, 6.0], [1.0, 4.0, 7.0], [2.0, 5.0, 8.0]]
    with pytest.raises(ValueError, match=r"data with shape \(10, 3\) cannot be evenly split into 3 slices along "
                                         r"axis 0. Use a batch size that's multiple of 3 or set even_split=False"):
        utils.split_data(x, 3)
    halves = utils.split_data(x, 2)
    halves[0][:] = 7                                   # slices along axis 0 are views, as in MXNet
    assert x[0].asnumpy().tolist() == [7.0, 7.0, 7.0]


def test_split_and_load():
    parts = utils.split_and_load(np.arange(8.0).reshape(4, 2), [mx.cpu(0), mx.cpu(0)])
    assert [(p.shape, p.context, p.dtype) for p in parts] == [((2, 2), mx.cpu(0), np.float32)] * 2
    assert parts[1].asnumpy().tolist() == [[4.0, 5.0], [6.0, 7.0]]
    one = utils.split_and_load(nd.ones((3, 2)), [mx.cpu(0)])
    assert len(one) == 1 and one[0].shape == (3, 2)
    odd = utils.split_and_load(nd.ones((2, 5)), [mx.cpu(0)] * 2, batch_axis=1, even_split=False)
    assert [p.shape for p in odd] == [(2, 3), (2, 2)]


def test_clip_global_norm():
    a, b = nd.array([[1, 2], [3, 4.]]), nd.array([5., 6])
    norm = utils.clip_global_norm([a, b], 1.0)
    assert type(norm) is np.float32 and norm == np.float32(9.539392)        # recorded from MXNet 1.9.1
    np.testing.assert_allclose(a.asnumpy(), [[0.10482848, 0.20965695], [0.31448543, 0.4193139]], rtol=1e-6)
    np.testing.assert_allclose(b.asnumpy(), [0.5241424, 0.62897086], rtol=1e-6)
    a = nd.array([[1, 2], [3, 4.]])
    norm = utils.clip_global_norm([a, nd.array([5., 6])], 100.0, check_isfinite=False)
    assert isinstance(norm, nd.NDArray) and norm.shape == (1,)
    np.testing.assert_allclose(norm.asnumpy(), [9.539392], rtol=1e-6)
    assert a.asnumpy().tolist() == [[1, 2], [3, 4]]      # under the limit: unchanged
    with pytest.raises(AssertionError):
        utils.clip_global_norm([], 1.0)


def test_clip_global_norm_warns_on_nan():
    a = nd.array([np.inf, 1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        norm = utils.clip_global_norm([a], 1.0)
    assert norm == np.inf
    assert [str(w.message) for w in caught] == ["nan or inf is detected. Clipping results will be undefined."]
    assert np.isnan(a.asnumpy()[0]) and a.asnumpy()[1] == 0.0     # MXNet gives [nan, 0] too


def test_clip_global_norm_on_gradients():
    net = mx.gluon.nn.Dense(2, in_units=3)
    net.initialize(mx.init.One())
    with mx.autograd.record():
        out = net(nd.ones((4, 3))).sum()
    out.backward()
    grads = [p.grad() for p in net.collect_params().values()]
    before = np.sqrt(sum((g.asnumpy() ** 2).sum() for g in grads))
    norm = utils.clip_global_norm(grads, 1.0)
    np.testing.assert_allclose(norm, before, rtol=1e-6)
    after = np.sqrt(sum((p.grad().asnumpy() ** 2).sum() for p in net.collect_params().values()))
    np.testing.assert_allclose(after, 1.0, rtol=1e-5)            # the parameters' own gradients were scaled


def test_check_sha1(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"mxjax" * 1000)
    assert utils.check_sha1(str(path), hashlib.sha1(b"mxjax" * 1000).hexdigest())
    assert not utils.check_sha1(str(path), "0" * 40)


@pytest.fixture
def http_server(tmp_path):
    """A local HTTP server over ``tmp_path/served``: yields (base URL, served dir, request log)."""
    import functools
    import http.server
    import threading
    served = tmp_path / "served"
    served.mkdir()
    requests_seen = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            requests_seen.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Handler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", served, requests_seen
    server.shutdown()
    server.server_close()


def test_download_fetches_and_keeps_existing_files(tmp_path, http_server):
    assert str(inspect.signature(utils.download)) == (
        "(url, path=None, overwrite=False, sha1_hash=None, retries=5, verify_ssl=True)")
    base, served, seen = http_server
    (served / "data.txt").write_bytes(b"abc" * 1000)
    sha1 = hashlib.sha1(b"abc" * 1000).hexdigest()
    target = tmp_path / "out" / "sub"
    fname = utils.download(f"{base}/data.txt", path=str(target))        # a missing folder: a file name
    assert fname == str(target) and (target.read_bytes() == b"abc" * 1000)
    assert len(seen) == 1
    assert utils.download(f"{base}/data.txt", path=str(target), sha1_hash=sha1) == str(target)
    assert len(seen) == 1                                                   # present with the right hash
    target.write_bytes(b"stale")
    assert utils.download(f"{base}/data.txt", path=str(target), sha1_hash=sha1) == str(target)
    assert target.read_bytes() == b"abc" * 1000 and len(seen) == 2         # wrong hash: fetched again
    target.write_bytes(b"old")
    with pytest.warns(UserWarning, match="exists in file system so the downloaded file is deleted"):
        utils.download(f"{base}/data.txt", path=str(target), overwrite=True)
    assert len(seen) == 3 and target.read_bytes() == b"old"                # MXNet keeps the file already there
    assert utils.download(f"{base}/data.txt", path=str(tmp_path)) == os.path.join(str(tmp_path), "data.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.txt", "out", "served"]  # no temporary left


def test_download_retries_then_raises(tmp_path, http_server):
    base, _, seen = http_server
    with pytest.raises(Exception):
        utils.download(f"{base}/missing.bin", path=str(tmp_path), retries=2)
    assert len(seen) == 2                                                   # MXNet's count: retries attempts
    with pytest.raises(UserWarning, match="content hash does not match"):
        (http_server[1] / "x.bin").write_bytes(b"x")
        utils.download(f"{base}/x.bin", path=str(tmp_path), sha1_hash="0" * 40, retries=1)
    with pytest.raises(AssertionError, match="Number of retries should be at least 0, currently it's -1"):
        utils.download(f"{base}/x.bin", path=str(tmp_path / "y"), retries=-1)
    with pytest.raises(AssertionError, match="Can't construct file-name from this URL"):
        utils.download(f"{base}/")


def test_download_verify_ssl_false_warns(tmp_path, http_server):
    base, served, _ = http_server
    (served / "a.txt").write_bytes(b"a")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        utils.download(f"{base}/a.txt", path=str(tmp_path), verify_ssl=False)
    assert any(str(w.message).startswith("Unverified HTTPS request") for w in caught)


