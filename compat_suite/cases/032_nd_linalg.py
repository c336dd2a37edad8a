"""nd.linalg: potrf/potri/trsm/trmm/syrk/gelqf/inverse/det/slogdet/sumlogdiag/extractdiag/makediag."""
# compat: rtol=1e-4 atol=1e-4
from mxnet import nd
from compat_emit import emit

A = nd.array([[4.0, 2.0, 0.6], [2.0, 5.0, 1.0], [0.6, 1.0, 3.0]])
L = nd.linalg.potrf(A)
emit("potrf", L)
emit("potri", nd.linalg.potri(L))
B = nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
emit("trsm", nd.linalg.trsm(L, B, rightside=True))
emit("trmm", nd.linalg.trmm(L, B, rightside=True, alpha=2.0))
emit("syrk", nd.linalg.syrk(B))
emit("syrk_transpose", nd.linalg.syrk(B, transpose=True, alpha=0.5))
emit("inverse", nd.linalg.inverse(A))
emit("det", nd.linalg.det(A))
emit("slogdet", nd.linalg.slogdet(A))
emit("sumlogdiag", nd.linalg.sumlogdiag(L))
emit("extractdiag", nd.linalg.extractdiag(A))
emit("makediag", nd.linalg.makediag(nd.array([1.0, 2.0])))
emit("extracttrian", nd.linalg.extracttrian(A))
emit("batched_inverse", nd.linalg.inverse(nd.stack(A, A * 2)))
Q, Lq = nd.linalg.gelqf(B)
emit("gelqf_shapes", (Q.shape, Lq.shape))
emit("gelqf_reconstruct", nd.dot(Lq, Q))
