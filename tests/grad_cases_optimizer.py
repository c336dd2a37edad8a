"""Gradient cases of the optimizer update operators (mxjax/ndarray/ops/optimizer_update.py).

MXNet registers no gradient for them; in mxjax they are ordinary JAX functions, so their
gradients are checked like any operator's.  They write their state inputs in place, so each
case hands them copies of the states (as the BatchNorm cases do)."""
from mxjax import nd

from gradcheck import Case, away, uniform

U = uniform(-1.0, 1.0)
POS = uniform(0.5, 1.5)


def _copying(name, n_states, **attrs):
    """Call ``nd.<name>`` on the weight, the gradient and copies of the ``n_states`` trailing states."""
    def call(*xs):
        head, states = xs[:len(xs) - n_states], xs[len(xs) - n_states:]
        return getattr(nd, name)(*head, *(s.copy() for s in states), **attrs)
    return call


CASES = {
    "sgd_update": [Case((U, U), attrs=dict(lr=0.1, wd=0.1, rescale_grad=0.5)),
                   Case((U, away((-0.6, 0.6))), attrs=dict(lr=0.1, rescale_grad=0.5, clip_gradient=0.3),
                        label="clipped")],
    "sgd_mom_update": [Case((U, U, U), call=_copying("sgd_mom_update", 1, lr=0.1, momentum=0.9, wd=0.1))],
    "mp_sgd_update": [Case((U, U, U), call=_copying("mp_sgd_update", 1, lr=0.1, wd=0.1), const=(0,))],
    "mp_sgd_mom_update": [Case((U, U, U, U), call=_copying("mp_sgd_mom_update", 2, lr=0.1, momentum=0.9, wd=0.1),
                               const=(0,))],
    "nag_mom_update": [Case((U, U, U), call=_copying("nag_mom_update", 1, lr=0.1, momentum=0.9, wd=0.1))],
    "mp_nag_mom_update": [Case((U, U, U, U), call=_copying("mp_nag_mom_update", 2, lr=0.1, momentum=0.9, wd=0.1),
                               const=(0,))],
    "signsgd_update": [Case((U, away()), attrs=dict(lr=0.1, wd=0.1))],
    "signum_update": [Case((U, U, away((0.0,), 0.5, 1.5)),
                           call=_copying("signum_update", 1, lr=0.1, momentum=0.9, wd=0.1, wd_lh=0.1))],
    "ftml_update": [Case((U, U, U, POS, U), call=_copying("ftml_update", 3, lr=0.1, t=2, wd=0.1))],
    "adam_update": [Case((U, U, U, POS), call=_copying("adam_update", 2, lr=0.1, wd=0.1))],
    "rmsprop_update": [Case((U, U, POS), call=_copying("rmsprop_update", 1, lr=0.1, wd=0.1))],
    "rmspropalex_update": [Case((U, U, uniform(1.0, 2.0), uniform(-0.5, 0.5), U),
                                call=_copying("rmspropalex_update", 3, lr=0.1, wd=0.1))],
    "ftrl_update": [Case((U, U, away((-0.5, 0.5), -3.0, 3.0), POS),
                         call=_copying("ftrl_update", 2, lr=0.1, lamda1=0.01, wd=0.1))],
    "lamb_update_phase1": [Case((U, U, U, POS), call=_copying("lamb_update_phase1", 2, t=2, wd=0.1))],
    "mp_lamb_update_phase1": [Case((U, U, U, POS, U), call=_copying("mp_lamb_update_phase1", 3, t=2, wd=0.1),
                                   const=(0,))],
    "lamb_update_phase2": [Case((U, U, uniform(0.5, 1.5, (1,)), uniform(0.5, 1.5, (1,))), attrs=dict(lr=0.1))],
    "mp_lamb_update_phase2": [Case((U, U, uniform(0.5, 1.5, (1,)), uniform(0.5, 1.5, (1,)), U),
                                   call=_copying("mp_lamb_update_phase2", 1, lr=0.1), const=(0,))],
}
