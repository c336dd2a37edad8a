"""Gradient cases of the contrib FFT, count sketch and graph operators (ops/spectral.py, ops/graph.py)."""
import numpy as np

from gradcheck import Case, fixed, uniform

U = uniform(-1.0, 1.0)

CASES = {
    "_contrib_fft": [Case((uniform(-1, 1, (2, 4)),), out_shape=(2, 8))],
    "_contrib_ifft": [Case((uniform(-1, 1, (2, 8)),), out_shape=(2, 4))],
    "_contrib_count_sketch": [Case((uniform(-1, 1, (2, 5)), fixed(np.array([[0, 2, 1, 0, 2]])),
                                    fixed(np.array([[1, -1, 1, 1, -1]]))), attrs=dict(out_dim=3), const=(1,),
                                   out_shape=(2, 3))],
    "_contrib_edge_id": [Case((uniform(0.5, 1.5, (3, 3)), fixed([0, 1, 2, 2]), fixed([1, 1, 0, 2])),
                              const=(1, 2), out_shape=(4,))],
}
