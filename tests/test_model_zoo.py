"""gluon.model_zoo.vision against real MXNet 1.9.1 (tests/reference/model_zoo_cases.py, recorded
by tools/record_mxnet_model_zoo.py): parameter names of every constructor, byte-identical
save_parameters files and MXNet's outputs from them, and the pretrained-file store."""
import json
import os
import sys

import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError
from mxjax.gluon.model_zoo import model_store, vision

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "reference"))
import model_zoo_cases as cases  # noqa: E402

with open(os.path.join(os.path.dirname(__file__), "reference", "data", "model_zoo.json")) as _fh:
    RECORDED = json.load(_fh)


@pytest.mark.parametrize("name", sorted(RECORDED["names"]))
def test_parameter_names_are_mxnet_s(name):
    """collect_params keys (resnetv10_stage1_conv0_weight) and the structural names of
    save_parameters files (features.5.0.body.0.weight), in MXNet's order."""
    record = cases.names_record(cases.build(mx, f"get_model({name!r})"))
    assert record == RECORDED["names"][name]


def _output_case(case):
    call, shape, slow = cases.OUTPUT_CASES[case]
    return pytest.param(case, call, shape, marks=[pytest.mark.slow] if slow else [])


def _mxnet_params_file(case, path):
    """Writes MXNet's save_parameters file of ``case`` (its recorded sha1 is checked)."""
    recorded = RECORDED["outputs"][case]
    values = cases.deterministic_params([(name, tuple(shape)) for name, shape in recorded["shapes"]])
    mx.nd.save(path, {name: mx.nd.array(value) for name, value in values.items()})
    assert cases.file_sha1(path) == recorded["params_sha1"], "the file differs from MXNet's save_parameters file"


@pytest.mark.parametrize("case, call, shape", [_output_case(c) for c in cases.OUTPUT_CASES])
def test_mxnet_params_file_loads_and_gives_mxnet_s_output(case, call, shape, tmp_path):
    """load_parameters of MXNet's file, save_parameters writes the same bytes, MXNet's output.
    (A forward pass sets the gamma of BatchNorm(scale=False) to ones, in MXNet as in mxjax,
    so the file is compared before it.)"""
    recorded = RECORDED["outputs"][case]
    path, again = str(tmp_path / "mxnet.params"), str(tmp_path / "mxjax.params")
    _mxnet_params_file(case, path)
    net = cases.build(mx, call)
    assert cases.names_record(net) == {k: recorded[k] for k in ("count", "prefixed_sha1", "structural_sha1",
                                                                 "sample")}
    net.load_parameters(path)
    net.save_parameters(again)
    assert cases.file_sha1(again) == recorded["params_sha1"]
    out = net(mx.nd.array(cases.fixed_input(shape)))
    np.testing.assert_allclose(out.asnumpy(), np.array(recorded["output"], dtype=np.float32), rtol=1e-4, atol=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["resnet_v2_bottleneck", "densenet", "mobilenetv2_0.25"])
def test_hybridized_nets_give_mxnet_s_output(case, tmp_path):
    call, shape, _ = cases.OUTPUT_CASES[case]
    path = str(tmp_path / "mxnet.params")
    _mxnet_params_file(case, path)
    net = cases.build(mx, call)
    net.load_parameters(path)
    net.hybridize()
    out = net(mx.nd.array(cases.fixed_input(shape)))
    np.testing.assert_allclose(out.asnumpy(), RECORDED["outputs"][case]["output"], rtol=1e-4, atol=1e-4)


def test_get_model_is_reachable_as_mxnet_s_and_rejects_unknown_names():
    mx.alias_mxnet()
    from mxnet.gluon.model_zoo import vision as aliased
    assert aliased is vision is mx.gluon.model_zoo.vision
    net = mx.gluon.model_zoo.vision.get_model("MobileNet0.25", classes=3)
    assert isinstance(net, vision.MobileNet) and net.output._units == 3
    with pytest.raises(ValueError, match=r"^Model resnet19_v1 is not supported. Available options are\n\t"
                                         r"alexnet\n\tdensenet121\n"):
        vision.get_model("ResNet19_v1")


def test_default_root_is_mxnet_home_models():
    assert model_store.DEFAULT_ROOT == os.path.join(mx.base.data_dir(), "models")
    assert model_store.short_hash("resnet18_v1") == "a0666292"
    with pytest.raises(ValueError, match="^Pretrained model for resnet19_v1 is not available.$"):
        model_store.short_hash("resnet19_v1")


def test_pretrained_without_the_file_says_which_file_to_put_where(tmp_path, monkeypatch):
    monkeypatch.delenv("MXNET_GLUON_REPO", raising=False)
    with pytest.raises(MXNetError) as info:
        vision.resnet18_v1(pretrained=True, root=str(tmp_path))
    message = str(info.value)
    assert f"{tmp_path}/resnet18_v1-a0666292.params is missing" in message
    assert "mxjax does not download" in message
    assert "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/models/resnet18_v1-a0666292.zip" \
        in message


def test_pretrained_loads_the_file_whose_sha1_matches(tmp_path, monkeypatch):
    """A file under MXNet's name loads when its sha1 is the store's (the table is patched to the
    sha1 of a file written here) and is refused, naming the mismatch, when it is not."""
    sha1 = RECORDED["outputs"]["mobilenet0.25"]["params_sha1"]
    monkeypatch.setitem(model_store._model_sha1, "mobilenet0.25", sha1)
    _mxnet_params_file("mobilenet0.25", str(tmp_path / f"mobilenet0.25-{sha1[:8]}.params"))
    loaded = vision.mobilenet0_25(pretrained=True, root=str(tmp_path), classes=10)
    values = cases.deterministic_params(RECORDED["outputs"]["mobilenet0.25"]["shapes"])
    np.testing.assert_array_equal(loaded.output.weight.data().asnumpy(), values["output.weight"])
    np.testing.assert_array_equal(loaded.features[1].running_var.data().asnumpy(), values["features.1.running_var"])
    monkeypatch.setitem(model_store._model_sha1, "mobilenet0.25", sha1[:8] + "0" * 32)
    with pytest.raises(MXNetError, match="does not match its sha1"):
        vision.get_model("mobilenet0.25", pretrained=True, root=str(tmp_path), classes=10)


def test_purge_removes_params_files(tmp_path):
    (tmp_path / "a.params").write_bytes(b"")
    (tmp_path / "keep.txt").write_bytes(b"")
    model_store.purge(str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == ["keep.txt"]

