#!/usr/bin/env python3
"""The five networks of the two assignments as PyTorch modules, written from the
handouts (the spec's "The network", "Appendix variant", problems 2.3 and 3.2) with
the module names Folio gives its layers (Sources/FolioExperiments/Networks.swift).

Prints, as JSON, each network's state_dict (tensor names, shapes and dtypes, in
order) and the text of print(model). The output is the fixture the tests compare Folio with:

    /work/shared/bench/setup-torch      # or any venv with torch
    ~/.cache/folio-bench/venv/bin/python scripts/pytorch-networks.py \
        > Tests/FolioExperimentsTests/Fixtures/pytorch-networks.json

The keys are Folio's model identifiers (ModelKind's raw values)."""
import json
import sys

import torch
from torch import nn


class SimpleCNN(nn.Module):
    """CNN assignment: two 3x3 convolution blocks, then two linear layers."""

    def __init__(self):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 32, kernel_size=3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.flatten = nn.Flatten()
        self.fc_block = nn.Sequential(nn.Linear(32 * 7 * 7, 500), nn.ReLU(), nn.Linear(500, 10))

    def forward(self, x):
        return self.fc_block(self.flatten(self.conv_block(x)))


class SimpleCNNWithBN(SimpleCNN):
    """The same with batch norm after each convolution and the first linear layer,
    before the ReLU."""

    def __init__(self):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 32, kernel_size=3, stride=1, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.fc_block = nn.Sequential(nn.Linear(32 * 7 * 7, 500), nn.BatchNorm1d(500), nn.ReLU(), nn.Linear(500, 10))


class DeepCNN(nn.Module):
    """Appendix of the CNN assignment: 5x5 convolutions of 32 and 64 channels,
    500 hidden units with dropout 0.4."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=5)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=5)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2, 2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(64 * 4 * 4, 500)
        self.relu3 = nn.ReLU()
        self.dropout1 = nn.Dropout(0.4)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        return self.fc2(self.dropout1(self.relu3(self.fc1(self.flatten(x)))))


class MLP(nn.Module):
    """Problem set 2.3: 784 -> 128 ReLUs -> 10, log-softmax."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(784, 128)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(128, 10)
        self.log_softmax = nn.LogSoftmax(dim=1)

    def forward(self, x):
        return self.log_softmax(self.fc2(self.relu(self.fc1(self.flatten(x)))))


class SmallCNN(nn.Module):
    """Problem set 3.2: 5x5 convolutions of 10 and 20 channels, two linear layers
    with no activation between them, log-softmax."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(320, 128)
        self.fc2 = nn.Linear(128, 10)
        self.log_softmax = nn.LogSoftmax(dim=1)

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        return self.log_softmax(self.fc2(self.fc1(self.flatten(x))))


networks = {
    "simple-cnn": SimpleCNN(),
    "simple-cnn-bn": SimpleCNNWithBN(),
    "deep-cnn": DeepCNN(),
    "mlp": MLP(),
    "small-cnn": SmallCNN(),
}

fixture = {"torch": torch.__version__, "networks": {}}
for key, model in networks.items():
    # A forward pass on one image checks that the layers fit together as declared.
    model.eval()
    assert model(torch.zeros(1, 1, 28, 28)).shape == (1, 10), key
    fixture["networks"][key] = {
        "state_dict": [[name, list(t.shape), str(t.dtype).removeprefix("torch.")]
                       for name, t in model.state_dict().items()],
        "print": str(model),
    }
# JSON with one state_dict entry a line, to read and diff.
out = ['{', f' "torch": {json.dumps(fixture["torch"])},', ' "networks": {']
for k, (key, n) in enumerate(fixture["networks"].items()):
    out.append(f'  {json.dumps(key)}: {{')
    out.append('   "state_dict": [')
    out += ['    ' + json.dumps(e) + (',' if i < len(n["state_dict"]) - 1 else '') for i, e in enumerate(n["state_dict"])]
    out.append('   ],')
    out.append(f'   "print": {json.dumps(n["print"])}')
    out.append('  }' + (',' if k < len(fixture["networks"]) - 1 else ''))
out += [' }', '}']
sys.stdout.write("\n".join(out) + "\n")
