"""Write tests/reference/data/sparse_mxnet191.params with real MXNet 1.9.1 (run with the
reference venv: /tmp/mxref/bin/python tools/record_mxnet_sparse.py).  tests/test_sparse.py
loads it in mxjax and checks that mxjax writes the same bytes."""
import os

import mxnet as mx

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "reference", "data", "sparse_mxnet191.params")
rsp = mx.nd.sparse.row_sparse_array(([[0, 0], [1, 2]], [0, 2]), shape=(3, 2))
csr = mx.nd.array([[0, 1, 0], [2, 0, 0], [0, 0, 0], [0, 0, 3]]).tostype("csr")
mx.nd.save(OUT, {"r": rsp, "c": csr, "d": mx.nd.ones((2,))})
