"""Record gluon.model_zoo.vision parameter names and outputs from real MXNet 1.9.1.

    python tools/record_mxnet_model_zoo.py      # runs itself inside the reference venv

Writes tests/reference/data/model_zoo.json: for every constructor of get_model, the number
and digests of its parameter names (collect_params keys and save_parameters' structural
names); for each case of tests/reference/model_zoo_cases.py, the parameters' structural
names and shapes, the sha1 of the params file MXNet's save_parameters writes for the
deterministic parameters, and the output on the fixed input.  Only names, digests and a few outputs are committed, never parameter files.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.environ.get("MXREF_VENV", "/tmp/mxref")
OUT = os.path.join(ROOT, "tests", "reference", "data", "model_zoo.json")

MODEL_NAMES = ["alexnet", "densenet121", "densenet161", "densenet169", "densenet201", "inceptionv3",
               "mobilenet0.25", "mobilenet0.5", "mobilenet0.75", "mobilenet1.0", "mobilenetv2_0.25",
               "mobilenetv2_0.5", "mobilenetv2_0.75", "mobilenetv2_1.0", "resnet101_v1", "resnet101_v2",
               "resnet152_v1", "resnet152_v2", "resnet18_v1", "resnet18_v2", "resnet34_v1", "resnet34_v2",
               "resnet50_v1", "resnet50_v2", "squeezenet1.0", "squeezenet1.1", "vgg11", "vgg11_bn", "vgg13",
               "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]


def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([python, "-m", "pip", "install", "-q", "mxnet==1.9.1", "numpy<1.24"])
    return python


def record():
    """Runs inside the reference venv."""
    import mxnet as mx
    sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
    import model_zoo_cases as cases
    names = {}
    for name in MODEL_NAMES:
        names[name] = cases.names_record(cases.build(mx, f"get_model({name!r})"))
    outputs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case, (call, shape, _) in cases.OUTPUT_CASES.items():
            net = cases.build(mx, call)
            shapes = cases.fill(mx, net, shape)
            path = os.path.join(tmp, case + ".params")
            net.save_parameters(path)
            out = net(mx.nd.array(cases.fixed_input(shape))).asnumpy()
            outputs[case] = {"params_sha1": cases.file_sha1(path), "output": out.tolist(), "shapes": shapes,
                             **cases.names_record(net)}
            print(case, out.shape, flush=True)
    with open(OUT, "w") as fh:
        json.dump({"names": names, "outputs": outputs}, fh, indent=1)
    print("wrote", OUT)


if __name__ == "__main__":
    if "--inside" in sys.argv:
        record()
    else:
        subprocess.check_call([ensure_venv(), os.path.abspath(__file__), "--inside"])
