#!/usr/bin/python3
"""PyTorch as an independent oracle for StaticNets' numerics.

Writes, for each case, PyTorch's own results as raw little-endian float32 (and int32 labels) beside an
ONNX export made by torch.onnx.export, so that tests compare StaticNets with PyTorch without needing
PyTorch. Run with Debian's python3-torch and python3-onnx (torch 1.13, onnx 1.12):

    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 Runtime.Tests/Oracle/make_oracle.py [--out DIR] [CASE ...]

Layouts are StaticNets' (and PyTorch's): a sample is [channels][height][width]; samples are back to back.
Parameters are flattened in StaticNets' order (docs: DESIGN.md): layer by layer in declaration order, each
layer's weights then its bias; BatchNorm gamma then beta; an [Add]'s projection at the Add. Statistics: layer by layer in the same
order, each BatchNorm's running means then its running variances.

Each case directory holds:
  case.txt              the StaticNets declaration the case is meant for, and notes
  model.onnx            PyTorch's eval-mode export (BatchNorm folded into the preceding Conv where PyTorch folds it)
  model-unfolded.onnx   (BatchNorm cases) the export with BatchNormalization nodes kept
  input.f32             N samples
  output.f32            eval-mode outputs, final activation included
  parameters.f32        all parameters in StaticNets' order
  statistics.f32        (BatchNorm cases) running means then variances before training
  labels.i32, loss.f32, gradients.f32, statistics-after.f32, output-after.f32
                        (training cases) one training-mode step over the N samples: the summed
                        cross-entropy (or, with targets.f32, the per-sample mean squared error, summed), the gradient of it in
                        StaticNets' order, and the running statistics after the step (momentum 0.1,
                        unbiased batch variance, as PyTorch); output-after.f32 (where asked) the
                        eval-mode outputs with those statistics
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)


def write(path, array, dtype):
    np.ascontiguousarray(np.asarray(array, dtype=dtype)).tofile(path)


def flat(tensors):
    return np.concatenate([t.detach().reshape(-1).numpy() for t in tensors]) if tensors else np.zeros(0, np.float32)


class Case:
    def __init__(self, name, model, input_shape, declaration, order, batch=3, train=False, targets=None,
                 softmax=True, stats=(), notes="", eval_after=False):
        self.name = name
        self.model = model
        self.input_shape = input_shape
        self.declaration = declaration
        self.order = order            # parameters in StaticNets' order (list of tensors)
        self.batch = batch
        self.train = train
        self.targets = targets         # None: cross-entropy on labels; else (any int) StaticNets' MSE against random targets
        self.softmax = softmax         # the declared network ends with Softmax (its output is probabilities)
        self.stats = stats             # BatchNorm modules in StaticNets' order
        self.notes = notes
        self.eval_after = eval_after   # also write output-after.f32: eval mode after the training pass


def statistics(norms):
    """StaticNets' Statistics: layer by layer, each BatchNorm's running means then its running variances."""
    return flat([t for bn in norms for t in (bn.running_mean, bn.running_var)])


def statistics(norms):
    """StaticNets' Statistics: layer by layer, each BatchNorm's running means then its running variances."""
    return flat([t for bn in norms for t in (bn.running_mean, bn.running_var)])


def export(model, example, path, fold):
    model.eval()
    torch.onnx.export(model, example, path, input_names=["input"], output_names=["output"], opset_version=13,
                      do_constant_folding=fold,
                      training=torch.onnx.TrainingMode.EVAL if fold else torch.onnx.TrainingMode.PRESERVE)


def run(case, out):
    d = os.path.join(out, case.name)
    os.makedirs(d, exist_ok=True)
    g = torch.Generator().manual_seed(1234)
    x = torch.randn((case.batch,) + case.input_shape, generator=g)
    model = case.model

    # BatchNorm running statistics that are not the defaults, so that eval mode is really tested.
    for bn in case.stats:
        with torch.no_grad():
            bn.running_mean.copy_(torch.randn(bn.running_mean.shape, generator=g) * 0.1)
            bn.running_var.copy_(torch.rand(bn.running_var.shape, generator=g) * 0.5 + 0.75)
            bn.weight.copy_(torch.rand(bn.weight.shape, generator=g) * 0.5 + 0.75)
            bn.bias.copy_(torch.randn(bn.bias.shape, generator=g) * 0.1)

    model.eval()
    with torch.no_grad():
        y = model(x)
        if case.softmax:
            y = F.softmax(y, dim=1)
    write(os.path.join(d, "input.f32"), x.numpy(), np.float32)
    write(os.path.join(d, "output.f32"), y.numpy(), np.float32)
    write(os.path.join(d, "parameters.f32"), flat(case.order), np.float32)
    if case.stats:
        write(os.path.join(d, "statistics.f32"), statistics(case.stats), np.float32)

    export(model, x[:1], os.path.join(d, "model.onnx"), fold=True)
    if case.stats:
        export(model, x[:1], os.path.join(d, "model-unfolded.onnx"), fold=False)

    if case.train:
        model.train()
        for p in case.order:
            p.grad = None
        logits = model(x)
        if case.targets is None:
            labels = torch.randint(0, logits.shape[1], (case.batch,), generator=g)
            loss = F.cross_entropy(logits, labels, reduction="sum")
            write(os.path.join(d, "labels.i32"), labels.numpy(), np.int32)
        else:
            targets = torch.randn(logits.shape, generator=g)
            loss = ((logits - targets) ** 2).flatten(1).mean(dim=1).sum()   # StaticNets' MSE: the mean over outputs, summed over samples
            write(os.path.join(d, "targets.f32"), targets.numpy(), np.float32)
        loss.backward()
        write(os.path.join(d, "loss.f32"), [loss.item()], np.float32)
        write(os.path.join(d, "gradients.f32"), flat([p.grad for p in case.order]), np.float32)
        if case.stats:
            write(os.path.join(d, "statistics-after.f32"), statistics(case.stats), np.float32)
        if case.eval_after:
            model.eval()
            with torch.no_grad():
                after = model(x)
                if case.softmax:
                    after = F.softmax(after, dim=1)
            write(os.path.join(d, "output-after.f32"), after.numpy(), np.float32)


    with open(os.path.join(d, "case.txt"), "w") as f:
        f.write(case.declaration.strip() + "\n")
        f.write(f"\nsamples: {case.batch}, input {list(case.input_shape)}, parameters {sum(p.numel() for p in case.order)}")
        f.write(f", statistics {2 * sum(bn.running_mean.numel() for bn in case.stats)}\n")
        if case.notes:
            f.write("\n" + case.notes.strip() + "\n")
    print(f"{case.name}: {sum(p.numel() for p in case.order)} parameters")


# ---------------------------------------------------------------- geometry (one layer or a few)

def geometry_cases():
    torch.manual_seed(7)
    cases = []

    m = nn.Conv2d(3, 4, (3, 2))
    cases.append(Case("conv-3x2", m, (3, 7, 6), "[Input(7, 6, 3)] [Conv2D(4, 3, 2)]", [m.weight, m.bias], softmax=False, train=True, targets=0))

    m = nn.Conv2d(3, 4, 3, padding=1, bias=False)
    cases.append(Case("conv-nobias", m, (3, 8, 8), "[Input(8, 8, 3)] [Conv2D(4, 3, Padding = 1, Bias = false)]", [m.weight], softmax=False, train=True, targets=0))

    m = nn.Conv2d(4, 6, 3, padding=1, groups=2)
    cases.append(Case("conv-groups", m, (4, 6, 6), "[Input(6, 6, 4)] [Conv2D(6, 3, Padding = 1, Groups = 2)]", [m.weight, m.bias], softmax=False, train=True, targets=0))

    m = nn.Conv2d(3, 16, 3, stride=2, padding=1)
    cases.append(Case("conv-s2p1", m, (3, 32, 32), "[Input(32, 32, 3)] [Conv2D(16, 3, Stride = 2, Padding = 1)]  // SN3004",
                      [m.weight, m.bias], softmax=False,
                      notes="PyTorch pads 1 on every side; the last padding row and column are never read (SN3004).", train=True, targets=0))

    m = nn.Conv2d(4, 8, 3, padding=1, groups=4)
    cases.append(Case("depthwise-m2", m, (4, 6, 5), "[Input(6, 5, 4)] [DepthwiseConv2D(3, Padding = 1, Multiplier = 2)]",
                      [m.weight, m.bias], softmax=False, train=True, targets=0))

    m = nn.Conv2d(1, 2, 3, stride=2)
    cases.append(Case("conv-floor", m, (1, 8, 8), "[Input(8, 8, 1)] [Conv2D(2, 3, Stride = 2)]  // SN2001 lowered: PyTorch's floor",
                      [m.weight, m.bias], softmax=False,
                      notes="(8 - 3) = 5 is not a multiple of 2: the last input row and column are dropped."))

    m = nn.MaxPool2d(3, stride=2, padding=1)
    cases.append(Case("maxpool-3-2-1", m, (4, 8, 8), "[Input(8, 8, 4)] [MaxPool(3, Stride = 2, Padding = 1)]", [], softmax=False))

    m = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)
    cases.append(Case("avgpool-3-2-1", m, (4, 8, 8), "[Input(8, 8, 4)] [AvgPool(3, Stride = 2, Padding = 1)]", [], softmax=False,
                      notes="count_include_pad=False: the average is over the input values inside the window (ONNX's default)."))

    m = nn.AvgPool2d((25, 5), count_include_pad=False)  # (True adds a zero Pad node to the export)
    cases.append(Case("avgpool-25x5", m, (3, 25, 5), "[Input(25, 5, 3)] [AvgPool(25, 5)]", [], softmax=False))

    class Global(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(5, 3)

        def forward(self, x):
            return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))
    m = Global()
    cases.append(Case("global-avgpool-dense", m, (5, 4, 6), "[Input(4, 6, 5)] [GlobalAvgPool] [Dense(3)]", [m.fc.weight, m.fc.bias], softmax=False))

    class Activations(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(10, 8)
            self.fc2 = nn.Linear(8, 8)
            self.fc3 = nn.Linear(8, 8)
            self.fc4 = nn.Linear(8, 8)
            self.fc5 = nn.Linear(8, 6)

        def forward(self, x):
            x = F.relu6(self.fc1(x))
            x = F.gelu(self.fc2(x))
            x = F.leaky_relu(self.fc3(x), 0.1)
            x = torch.sigmoid(self.fc4(x))
            return torch.tanh(self.fc5(x))
    m = Activations()
    with torch.no_grad():
        m.fc1.weight.mul_(8)   # large enough outputs that ReLU6 clips some at 6
        m.fc1.bias.mul_(8)
    cases.append(Case("dense-activations", m, (10,),
                      "[Input(10)] [Dense(8)] [ReLU6] [Dense(8, Activation = Activation.GELU)] [Dense(8)] [LeakyReLU(0.1)]\n"
                      "[Dense(8, Activation = Activation.Sigmoid)] [Dense(6, Activation = Activation.Tanh)]",
                      [m.fc1.weight, m.fc1.bias, m.fc2.weight, m.fc2.bias, m.fc3.weight, m.fc3.bias, m.fc4.weight, m.fc4.bias,
                       m.fc5.weight, m.fc5.bias], softmax=False, train=True, targets=0))
    # Last, so that the cases before it draw the same weights as they did before it was added.
    class ConvPools(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 3, 3, padding=1)

        def forward(self, x):
            x = F.max_pool2d(self.conv(x), 3, stride=2, padding=1)
            return F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)
    m = ConvPools()
    cases.append(Case("conv-pools", m, (2, 8, 8),
                      "[Input(8, 8, 2)] [Conv2D(3, 3, Padding = 1)] [MaxPool(3, Stride = 2, Padding = 1)] [AvgPool(3, Stride = 2, Padding = 1)]",
                      [m.conv.weight, m.conv.bias], softmax=False, train=True, targets=0,
                      notes="The convolution's gradients pass back through both padded pools: their backward against PyTorch's autograd."))

    return cases


# ---------------------------------------------------------------- ONNX import (node attributes checked against the declaration)

class ImportLeNet(nn.Module):
    """A small LeNet-5: padded convolution, max pooling, a standalone LeakyReLU and a final Softmax in the export.
    The dense layers are named fc1 and fc2, not StaticNets' dense1 and dense2, so that import matches by node order."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.pool2 = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(32, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = F.leaky_relu(self.fc1(x.flatten(1)), 0.1)
        return F.softmax(self.fc2(x), dim=1)


def import_cases():
    torch.manual_seed(13)
    cases = []

    class Conv(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 4, 3, padding=1)

        def forward(self, x):
            return self.conv1(x)
    m = Conv()
    cases.append(Case("import-conv-p1", m, (3, 8, 8), "[Input(8, 8, 3)] [Conv2D(4, 3, Padding = 1)]", [m.conv1.weight, m.conv1.bias],
                      softmax=False, notes="Initializers named conv1.weight and conv1.bias: import matches them by name."))

    m = ImportLeNet()
    cases.append(Case("import-lenet", m, (1, 12, 12),
                      "[Input(12, 12, 1)] [Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU)] [MaxPool(2)]\n"
                      "[Conv2D(8, 3, Activation = Activation.ReLU)] [MaxPool(2)] [Flatten]\n"
                      "[Dense(16)] [LeakyReLU(0.1)] [Dense(10, Activation = Activation.Softmax)]",
                      [m.conv1.weight, m.conv1.bias, m.conv2.weight, m.conv2.bias, m.fc1.weight, m.fc1.bias, m.fc2.weight, m.fc2.bias],
                      softmax=False, notes="The export ends with PyTorch's Softmax (axis 1); fc1 and fc2 are matched by node order."))
    return cases


# ---------------------------------------------------------------- the MLPerf Tiny reference architectures

def conv_bn(cin, cout, k, stride=1, padding=0, groups=1):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=padding, groups=groups, bias=False), nn.BatchNorm2d(cout)


class ResNet8(nn.Module):
    """MLPerf Tiny image classification (CIFAR-10), PyTorch's conventions: padding 1, convolutions without bias
    before BatchNorm, projection shortcut 1x1 stride 2 with BatchNorm (Projection.ConvBatchNorm)."""

    def __init__(self):
        super().__init__()
        self.c0, self.b0 = conv_bn(3, 16, 3, padding=1)
        self.c1, self.b1 = conv_bn(16, 16, 3, padding=1)
        self.c2, self.b2 = conv_bn(16, 16, 3, padding=1)
        self.c3, self.b3 = conv_bn(16, 32, 3, stride=2, padding=1)
        self.c4, self.b4 = conv_bn(32, 32, 3, padding=1)
        self.p4, self.q4 = conv_bn(16, 32, 1, stride=2)
        self.c5, self.b5 = conv_bn(32, 64, 3, stride=2, padding=1)
        self.c6, self.b6 = conv_bn(64, 64, 3, padding=1)
        self.p6, self.q6 = conv_bn(32, 64, 1, stride=2)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        a0 = F.relu(self.b0(self.c0(x)))
        y = F.relu(self.b1(self.c1(a0)))
        y = self.b2(self.c2(y))
        a1 = F.relu(y + a0)
        y = F.relu(self.b3(self.c3(a1)))
        y = self.b4(self.c4(y))
        a2 = F.relu(y + self.q4(self.p4(a1)))
        y = F.relu(self.b5(self.c5(a2)))
        y = self.b6(self.c6(y))
        a3 = F.relu(y + self.q6(self.p6(a2)))
        return self.fc(F.adaptive_avg_pool2d(a3, 1).flatten(1))

    def order(self):
        o = []
        for c, b in [(self.c0, self.b0), (self.c1, self.b1), (self.c2, self.b2), (self.c3, self.b3), (self.c4, self.b4)]:
            o += [c.weight, b.weight, b.bias]
        o += [self.p4.weight, self.q4.weight, self.q4.bias]
        for c, b in [(self.c5, self.b5), (self.c6, self.b6)]:
            o += [c.weight, b.weight, b.bias]
        o += [self.p6.weight, self.q6.weight, self.q6.bias, self.fc.weight, self.fc.bias]
        return o

    def norms(self):
        return [self.b0, self.b1, self.b2, self.b3, self.b4, self.q4, self.b5, self.b6, self.q6]


RESNET8 = """
[Input(32, 32, 3)]
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm] [ReLU(Name = "a0")]
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(16, 3, Padding = 1, Bias = false)] [BatchNorm]
[Add("a0")] [ReLU(Name = "a1")]
[Conv2D(32, 3, Stride = 2, Padding = 1, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(32, 3, Padding = 1, Bias = false)] [BatchNorm]
[Add("a1", Projection = Projection.ConvBatchNorm)] [ReLU(Name = "a2")]
[Conv2D(64, 3, Stride = 2, Padding = 1, Bias = false)] [BatchNorm] [ReLU]
[Conv2D(64, 3, Padding = 1, Bias = false)] [BatchNorm]
[Add("a2", Projection = Projection.ConvBatchNorm)] [ReLU]
[GlobalAvgPool]
[Dense(10, Activation = Activation.Softmax)]
"""


class DsCnn(nn.Module):
    """MLPerf Tiny keyword spotting: 49x10 MFCC, a 10x4 stride-2 convolution to 25x5, four depthwise-separable
    blocks, average pooling over the 25x5 plane. Dropout is left out (it is the identity in eval mode and
    would make the training step random)."""

    def __init__(self):
        super().__init__()
        # PyTorch's symmetric padding (5, 1) gives Keras' 25x5 output; the last padding row is never read (SN3004).
        # (Keras' "same" pads 4 at the top and 5 at the bottom: another function, and a Pad node in the export.)
        self.c0, self.b0 = nn.Conv2d(1, 64, (10, 4), stride=2, padding=(5, 1)), nn.BatchNorm2d(64)
        self.blocks = nn.ModuleList()
        for _ in range(4):
            dw, dwb = conv_bn(64, 64, 3, padding=1, groups=64)
            pw, pwb = conv_bn(64, 64, 1)
            self.blocks.append(nn.ModuleList([dw, dwb, pw, pwb]))
        self.fc = nn.Linear(64, 12)

    def forward(self, x):
        x = F.relu(self.b0(self.c0(x)))
        for dw, dwb, pw, pwb in self.blocks:
            x = F.relu(dwb(dw(x)))
            x = F.relu(pwb(pw(x)))
        return self.fc(F.avg_pool2d(x, (25, 5), count_include_pad=False).flatten(1))  # no zero Pad node in the export

    def order(self):
        o = [self.c0.weight, self.c0.bias, self.b0.weight, self.b0.bias]
        for dw, dwb, pw, pwb in self.blocks:
            o += [dw.weight, dwb.weight, dwb.bias, pw.weight, pwb.weight, pwb.bias]
        return o + [self.fc.weight, self.fc.bias]

    def norms(self):
        n = [self.b0]
        for _, dwb, _, pwb in self.blocks:
            n += [dwb, pwb]
        return n


DSCNN = """
[Input(49, 10, 1)]
[Conv2D(64, 10, 4, Stride = 2, Pads = new[] { 5, 1, 5, 1 })] [BatchNorm] [ReLU]   // SN3004 (last padding row unread), SN3005 (bias before BatchNorm, kept as the reference model has it)
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]   // four times
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[DepthwiseConv2D(3, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(64, 1, Bias = false)] [BatchNorm] [ReLU]
[AvgPool(25, 5)] [Flatten]
[Dense(12, Activation = Activation.Softmax)]
"""


class MobileNetV1(nn.Module):
    """MobileNetV1, width 0.25, 96x96x3, two classes (visual wake words); convolutions without bias before
    BatchNorm, ReLU, stride-2 layers with padding 1 (PyTorch's convention)."""

    PLAN = [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1), (128, 1), (128, 1), (128, 1), (128, 1),
            (256, 2), (256, 1)]

    def __init__(self):
        super().__init__()
        self.c0, self.b0 = conv_bn(3, 8, 3, stride=2, padding=1)
        self.blocks = nn.ModuleList()
        cin = 8
        for cout, s in self.PLAN:
            dw, dwb = conv_bn(cin, cin, 3, stride=s, padding=1, groups=cin)
            pw, pwb = conv_bn(cin, cout, 1)
            self.blocks.append(nn.ModuleList([dw, dwb, pw, pwb]))
            cin = cout
        self.fc = nn.Linear(256, 2)

    def forward(self, x):
        x = F.relu(self.b0(self.c0(x)))
        for dw, dwb, pw, pwb in self.blocks:
            x = F.relu(dwb(dw(x)))
            x = F.relu(pwb(pw(x)))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))

    def order(self):
        o = [self.c0.weight, self.b0.weight, self.b0.bias]
        for dw, dwb, pw, pwb in self.blocks:
            o += [dw.weight, dwb.weight, dwb.bias, pw.weight, pwb.weight, pwb.bias]
        return o + [self.fc.weight, self.fc.bias]

    def norms(self):
        n = [self.b0]
        for _, dwb, _, pwb in self.blocks:
            n += [dwb, pwb]
        return n


MOBILENET = """
[Input(96, 96, 3)]
[Conv2D(8, 3, Stride = 2, Padding = 1, Bias = false)] [BatchNorm] [ReLU]
then for each (filters, stride) of (16,1) (32,2) (32,1) (64,2) (64,1) (128,2) (128,1) x5 (256,2) (256,1):
[DepthwiseConv2D(3, Stride = stride, Padding = 1, Bias = false)] [BatchNorm] [ReLU] [Conv2D(filters, 1, Bias = false)] [BatchNorm] [ReLU]
[GlobalAvgPool]
[Dense(2, Activation = Activation.Softmax)]
"""


class AutoEncoder(nn.Module):
    """MLPerf Tiny anomaly detection: 640 -> 128 x4 -> 8 -> 128 x4 -> 640, Dense + BatchNorm + ReLU, a linear output."""

    SIZES = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128]

    def __init__(self):
        super().__init__()
        self.fcs = nn.ModuleList([nn.Linear(a, b) for a, b in zip(self.SIZES, self.SIZES[1:])])
        self.bns = nn.ModuleList([nn.BatchNorm1d(b) for b in self.SIZES[1:]])
        self.out = nn.Linear(128, 640)

    def forward(self, x):
        for fc, bn in zip(self.fcs, self.bns):
            x = F.relu(bn(fc(x)))
        return self.out(x)

    def order(self):
        o = []
        for fc, bn in zip(self.fcs, self.bns):
            o += [fc.weight, fc.bias, bn.weight, bn.bias]
        return o + [self.out.weight, self.out.bias]

    def norms(self):
        return list(self.bns)


AUTOENCODER = """
[Input(640)]
[Dense(128)] [BatchNorm] [ReLU]   // four times
[Dense(8)] [BatchNorm] [ReLU]
[Dense(128)] [BatchNorm] [ReLU]   // four times
[Dense(640)]
"""


def model_cases():
    torch.manual_seed(11)
    r, d, m, a = ResNet8(), DsCnn(), MobileNetV1(), AutoEncoder()
    return [
        Case("resnet8", r, (3, 32, 32), RESNET8, r.order(), batch=8, train=True, stats=r.norms()),
        Case("dscnn", d, (1, 49, 10), DSCNN, d.order(), batch=8, train=True, stats=d.norms(),
             notes="Dropout layers of the reference model are left out."),
        Case("mobilenet-v1-025", m, (3, 96, 96), MOBILENET, m.order(), batch=8, train=True, stats=m.norms()),
        Case("autoencoder", a, (640,), AUTOENCODER, a.order(), batch=8, train=True, targets=640, softmax=False,
             stats=a.norms(), notes="Loss: each sample's mean squared error against targets.f32 (StaticNets' MSE), summed over the samples."),
    ]


# ---------------------------------------------------------------- BatchNorm (added last: every case above draws the same)

def batchnorm_cases():
    torch.manual_seed(13)
    conv = nn.Conv2d(2, 3, 3, bias=False)
    bn = nn.BatchNorm2d(3)
    fc = nn.Linear(3 * 4 * 4, 3)
    m = nn.Sequential(conv, bn, nn.ReLU(), nn.Flatten(), fc)
    return [
        Case("conv-batchnorm", m, (2, 6, 6),
             "[Input(6, 6, 2)] [Conv2D(3, 3, Bias = false)] [BatchNorm] [ReLU] [Flatten] [Dense(3, Activation = Activation.Softmax)]",
             [conv.weight, bn.weight, bn.bias, fc.weight, fc.bias], batch=4, train=True, stats=[bn], eval_after=True,
             notes="One training-mode pass over 4 samples (summed cross-entropy, batch statistics over 4x4x4 values per channel);"
                   " output-after.f32: eval mode with the running statistics it updated."),
    ]

# ---------------------------------------------------------------- residual connections ([Add])

class SmallResNet(nn.Module):
    """conv -> ReLU -> conv, plus the block's input (identity), ReLU; a stride-2 block whose shortcut is a 1x1 stride-2
    convolution with bias (computed after the block's convolutions, so that it follows them in node order); global
    average pooling; a Linear layer."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1)
        self.conv3 = nn.Conv2d(4, 8, 3, stride=2, padding=1)
        self.conv4 = nn.Conv2d(8, 8, 3, padding=1)
        self.shortcut = nn.Conv2d(4, 8, 1, stride=2)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        a1 = F.relu(self.conv2(F.relu(self.conv1(x))) + x)
        y = self.conv4(F.relu(self.conv3(a1)))
        y = F.relu(y + self.shortcut(a1))
        return self.fc(F.adaptive_avg_pool2d(y, 1).flatten(1))

    def order(self):
        return [self.conv1.weight, self.conv1.bias, self.conv2.weight, self.conv2.bias, self.conv3.weight, self.conv3.bias,
                self.conv4.weight, self.conv4.bias, self.shortcut.weight, self.shortcut.bias, self.fc.weight, self.fc.bias]


RESIDUAL = """
[Input(8, 8, 4)]
[Conv2D(4, 3, Padding = 1, Activation = Activation.ReLU)]
[Conv2D(4, 3, Padding = 1)]
[Add("input")]
[ReLU(Name = "a1")]
[Conv2D(8, 3, Stride = 2, Padding = 1, Activation = Activation.ReLU)]
[Conv2D(8, 3, Padding = 1)]
[Add("a1", Projection = Projection.Conv)]
[ReLU]
[GlobalAvgPool]
[Dense(5, Activation = Activation.Softmax)]
"""


def residual_cases():
    torch.manual_seed(17)
    m = SmallResNet()
    return [Case("residual", m, (4, 8, 8), RESIDUAL, m.order(), train=True,
                 notes="The shortcut's 1x1 weights [8][4][1][1] and bias stand at the second Add's place. Loss: the summed cross-entropy.")]


def batchnorm_import_cases():
    """Seeded on its own, so that every other case draws the same weights."""
    torch.manual_seed(17)
    conv1, bn1 = conv_bn(3, 4, 3, padding=1)
    conv2, bn2 = conv_bn(4, 6, 3)
    fc = nn.Linear(6, 3)
    # A Sequential: PyTorch names the initializers 0.weight, 1.weight..., so import matches the layers by node order.
    m = nn.Sequential(conv1, bn1, nn.ReLU(), conv2, bn2, nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), fc)
    return [
        Case("import-batchnorm", m, (3, 8, 8),
             "[Input(8, 8, 3)] [Conv2D(4, 3, Padding = 1, Bias = false)] [BatchNorm] [ReLU]\n"
             "[Conv2D(6, 3, Bias = false)] [BatchNorm] [ReLU] [GlobalAvgPool] [Dense(3)]",
             [conv1.weight, bn1.weight, bn1.bias, conv2.weight, bn2.weight, bn2.bias, fc.weight, fc.bias],
             softmax=False, stats=[bn1, bn2],
             notes="model.onnx: eval-mode export with constant folding, BatchNorm folded into the convolutions (which gain a bias); "
                   "model-unfolded.onnx: BatchNormalization nodes kept. Both import into the declaration with PyTorch's outputs."),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    args = parser.parse_args()
    cases = geometry_cases() + import_cases() + model_cases() + batchnorm_cases() + batchnorm_import_cases() + residual_cases()
    unknown = set(args.cases) - {c.name for c in cases}
    if unknown:
        sys.exit(f"unknown case(s): {', '.join(sorted(unknown))}; known: {', '.join(c.name for c in cases)}")
    for case in cases:
        if not args.cases or case.name in args.cases:
            run(case, args.out)


if __name__ == "__main__":
    main()
