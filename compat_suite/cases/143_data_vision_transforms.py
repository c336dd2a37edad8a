"""gluon.data.vision.transforms: ToTensor, Normalize, Compose, Resize shapes on a synthetic image."""
import numpy as np
import mxnet as mx
from mxnet import nd
from mxnet.gluon.data.vision import transforms
from compat_emit import emit

img = nd.array(np.arange(4 * 4 * 3).reshape((4, 4, 3)) % 256, dtype='uint8')
t = transforms.ToTensor()(img)
emit("to_tensor", t)
norm = transforms.Normalize(mean=(0.5, 0.4, 0.3), std=(0.2, 0.2, 0.1))
emit("normalize", norm(t))
composed = transforms.Compose([transforms.ToTensor(), transforms.Normalize(0.5, 0.25)])
emit("compose", composed(img))
emit("resize_shape", transforms.Resize(2)(img).shape)
emit("cast", transforms.Cast('float64')(t).dtype == np.float64)
