#!/usr/bin/python3
"""Pre-trains one member of the embedded model zoo on Fashion-MNIST TRAIN (CPU, torch 1.13).

Every method shares the architecture (a narrow torchvision-layout ResNet), the input size, the
optimiser, the batch size and the number of steps, so the zoo compares *methods* and nothing else.
The backbone's state_dict (with `fc` removed) is saved in torchvision's key layout, which is
exactly what a user's ImageNet .pth looks like to the lab's converter.

Run with Debian's interpreter (the one that sees python3-torch):
    nice -n 10 /usr/bin/python3 scripts/zoo/train.py --method simclr --out .cache/zoo
"""

import argparse
import gzip
import hashlib
import json
import math
import os
import struct
import time

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models.resnet import BasicBlock, ResNet

FASHION_DIR = '/usr/share/datasets/fashion-mnist'
METHODS = ('simclr', 'byol', 'supervised', 'random')


# ---------------------------------------------------------------- data


def read_idx(path):
    """Reads an IDX file (big-endian magic whose low byte is the rank, then the sizes, then uint8 data)."""
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    rank = raw[3]
    dims = struct.unpack('>' + 'I' * rank, raw[4 : 4 + 4 * rank])
    data = torch.frombuffer(bytearray(raw[4 + 4 * rank :]), dtype=torch.uint8)
    return data.reshape(dims)


def load_train_pixels(size, subset, seed):
    """Fashion-MNIST TRAIN as float [0,1] N×1×size×size (bicubic, like the lab's linear preprocessing)."""
    images = read_idx(os.path.join(FASHION_DIR, 'train-images-idx3-ubyte.gz'))
    labels = read_idx(os.path.join(FASHION_DIR, 'train-labels-idx1-ubyte.gz')).long()
    if subset and subset < len(labels):
        order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))[:subset]
        images, labels = images[order], labels[order]
    x = images.float().div(255).unsqueeze(1)
    if size != x.shape[-1]:
        x = F.interpolate(x, size=(size, size), mode='bicubic', align_corners=False).clamp(0, 1)
    return x, labels


# ---------------------------------------------------------------- model


class NarrowResNet(ResNet):
    """torchvision's ResNet with chosen stage widths; keys (conv1, layer1.0.conv1, ...) are unchanged."""

    def __init__(self, widths, blocks=(1, 1, 1, 1), num_classes=10):
        nn.Module.__init__(self)
        # The attributes ResNet._make_layer reads; set as torchvision's own __init__ would.
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = widths[0]
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, widths[0], kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(BasicBlock, widths[0], blocks[0])
        self.layer2 = self._make_layer(BasicBlock, widths[1], blocks[1], stride=2)
        self.layer3 = self._make_layer(BasicBlock, widths[2], blocks[2], stride=2)
        self.layer4 = self._make_layer(BasicBlock, widths[3], blocks[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3], num_classes)
        for m in self.modules():  # torchvision's initialisation
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def features(self, x):
        """Global-average-pooled layer4 output: the lab's feature."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(self.avgpool(x), 1)


def mlp(dim_in, dim_hidden, dim_out):
    return nn.Sequential(
        nn.Linear(dim_in, dim_hidden), nn.BatchNorm1d(dim_hidden), nn.ReLU(inplace=True), nn.Linear(dim_hidden, dim_out)
    )


def to_rgb(x, mean, std):
    """Grey → 3 identical channels, normalised the way the card tells the lab to."""
    return ((x - mean) / std).expand(-1, 3, -1, -1)


# ---------------------------------------------------------------- augmentation (batched, on tensors)


def random_resized_crop(x, gen, scale=(0.3, 1.0), ratio=(3 / 4, 4 / 3)):
    """Per-sample random resized crop + horizontal flip as one affine resampling (fast on CPU)."""
    n = x.shape[0]
    area = torch.empty(n).uniform_(*scale, generator=gen)
    log_r = torch.empty(n).uniform_(math.log(ratio[0]), math.log(ratio[1]), generator=gen)
    r = log_r.exp()
    w = (area * r).sqrt().clamp(max=1.0)
    h = (area / r).sqrt().clamp(max=1.0)
    cx = (torch.rand(n, generator=gen) * 2 - 1) * (1 - w)
    cy = (torch.rand(n, generator=gen) * 2 - 1) * (1 - h)
    flip = torch.where(torch.rand(n, generator=gen) < 0.5, -1.0, 1.0)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = w * flip
    theta[:, 0, 2] = cx
    theta[:, 1, 1] = h
    theta[:, 1, 2] = cy
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode='bilinear', padding_mode='border', align_corners=False)


def jitter(x, gen, strength=0.4):
    """Brightness and contrast jitter (the data is grey, so no hue/saturation)."""
    n = x.shape[0]
    brightness = 1 + (torch.rand(n, 1, 1, 1, generator=gen) * 2 - 1) * strength
    contrast = 1 + (torch.rand(n, 1, 1, 1, generator=gen) * 2 - 1) * strength
    x = x * brightness
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return ((x - mean) * contrast + mean).clamp(0, 1)


def augment(x, gen):
    return jitter(random_resized_crop(x, gen), gen)


# ---------------------------------------------------------------- objectives


def nt_xent(z1, z2, temperature):
    """SimCLR's normalised-temperature cross-entropy over the 2N views of a batch."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.t() / temperature
    n = z1.shape[0]
    sim.fill_diagonal_(float('-inf'))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


def byol_loss(p, z):
    return (2 - 2 * F.cosine_similarity(p, z.detach(), dim=1)).mean()


class SimClr(nn.Module):
    def __init__(self, backbone, dim, temperature):
        super().__init__()
        self.backbone = backbone
        self.head = mlp(dim, 2 * dim, 64)  # dropped at export
        self.temperature = temperature

    def loss(self, v1, v2, _labels):
        return nt_xent(self.head(self.backbone.features(v1)), self.head(self.backbone.features(v2)), self.temperature)


class Byol(nn.Module):
    def __init__(self, backbone, dim, make_backbone):
        super().__init__()
        self.backbone = backbone
        self.projector = mlp(dim, 2 * dim, 64)
        self.predictor = mlp(64, 2 * dim, 64)
        self.target_backbone = make_backbone()
        self.target_projector = mlp(dim, 2 * dim, 64)
        self.target_backbone.load_state_dict(backbone.state_dict())
        self.target_projector.load_state_dict(self.projector.state_dict())
        for p in self.target_parameters():
            p.requires_grad_(False)

    def online_parameters(self):
        return [*self.backbone.parameters(), *self.projector.parameters(), *self.predictor.parameters()]

    def target_parameters(self):
        return [*self.target_backbone.parameters(), *self.target_projector.parameters()]

    def loss(self, v1, v2, _labels):
        p1 = self.predictor(self.projector(self.backbone.features(v1)))
        p2 = self.predictor(self.projector(self.backbone.features(v2)))
        with torch.no_grad():
            t1 = self.target_projector(self.target_backbone.features(v1))
            t2 = self.target_projector(self.target_backbone.features(v2))
        return byol_loss(p1, t2) + byol_loss(p2, t1)

    @torch.no_grad()
    def update_target(self, tau):
        for online, target in zip(
            [*self.backbone.parameters(), *self.projector.parameters()], self.target_parameters()
        ):
            target.mul_(tau).add_(online.detach(), alpha=1 - tau)
        # BN running statistics follow the online network (they are buffers, not parameters).
        for online, target in zip(self.backbone.buffers(), self.target_backbone.buffers()):
            target.copy_(online)


class Supervised(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone

    def loss(self, v1, _v2, labels):
        return F.cross_entropy(self.backbone(v1), labels)


# ---------------------------------------------------------------- training loop


@torch.no_grad()
def calibrate_bn(backbone, x, batch, seed, batches=40):
    """Estimates the random control's BN running statistics on un-augmented TRAIN images.

    Only the buffers change (no weight is trained): momentum None makes BatchNorm keep the exact
    cumulative average over the batches. Without this a random network normalises every layer with
    mean 0 / variance 1, i.e. with statistics no data has, which handicaps the control for a reason
    that has nothing to do with pre-training.
    """
    for m in backbone.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed + 2))[: batch * batches]
    backbone.train()
    for b in range(0, len(order), batch):
        backbone.features(x[order[b : b + batch]])
    for m in backbone.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = 0.1  # torchvision's default, so the saved module is an ordinary one
    return len(order)


def cosine(step, total, start, end):
    return end + (start - end) * 0.5 * (1 + math.cos(math.pi * step / max(1, total)))


def train(args):
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True, warn_only=True)
    widths = [int(w) for w in args.widths.split(',')]

    def make_backbone():
        return NarrowResNet(widths)

    backbone = make_backbone()
    dim = widths[-1]
    started = time.time()
    log = {
        'method': args.method,
        'seed': args.seed,
        'torch': torch.__version__,
        'inputSize': args.size,
        'widths': widths,
        'batch': args.batch,
        'subset': args.subset,
    }
    if args.method == 'random':
        log.update(epochs=0, steps=0, finalLoss=None, lossCurve=[], randomBn=args.random_bn)
        if args.random_bn == 'data':
            x, _labels = load_train_pixels(args.size, args.subset, args.seed)
            log['bnImages'] = calibrate_bn(backbone, to_rgb(x, args.mean, args.std), args.batch, args.seed)
    else:
        x, labels = load_train_pixels(args.size, args.subset, args.seed)
        mean, std = args.mean, args.std
        model = {
            'simclr': lambda: SimClr(backbone, dim, args.temperature),
            'byol': lambda: Byol(backbone, dim, make_backbone),
            'supervised': lambda: Supervised(backbone),
        }[args.method]()
        params = model.online_parameters() if isinstance(model, Byol) else list(model.parameters())
        optimiser = torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)
        steps_per_epoch = len(labels) // args.batch
        total = args.steps or int(round(steps_per_epoch * args.epochs))
        gen = torch.Generator().manual_seed(args.seed + 1)
        curve, step, epoch = [], 0, 0
        model.train()
        while step < total:
            order = torch.randperm(len(labels), generator=gen)
            for b in range(steps_per_epoch):
                if step >= total:
                    break
                idx = order[b * args.batch : (b + 1) * args.batch]
                batch = x[idx]
                if args.method == 'supervised':
                    v1, v2 = augment(batch, gen), None  # one view: same augmentation family, half the compute
                    v1 = to_rgb(v1, mean, std)
                else:
                    v1, v2 = to_rgb(augment(batch, gen), mean, std), to_rgb(augment(batch, gen), mean, std)
                for group in optimiser.param_groups:
                    group['lr'] = cosine(step, total, args.lr, 0.0) * min(1.0, (step + 1) / args.warmup)
                loss = model.loss(v1, v2, labels[idx])
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                optimiser.step()
                if isinstance(model, Byol):
                    model.update_target(cosine(step, total, args.ema, 1.0))
                curve.append(loss.item())
                step += 1
                if step % args.print_every == 0 or step == total:
                    recent = sum(curve[-args.print_every :]) / len(curve[-args.print_every :])
                    print(f'[{args.method}] step {step}/{total} loss {recent:.4f} {time.time() - started:.0f}s', flush=True)
            epoch += 1
        tail = curve[-min(len(curve), 20) :]
        log.update(
            epochs=round(total / steps_per_epoch, 3),
            steps=total,
            finalLoss=round(sum(tail) / len(tail), 5),
            lossCurve=[round(v, 4) for v in curve[:: max(1, len(curve) // 50)]],
        )
    log['seconds'] = round(time.time() - started, 1)
    return backbone, log


def save(backbone, log, args):
    os.makedirs(args.out, exist_ok=True)
    state = {k: v for k, v in backbone.state_dict().items() if not k.startswith('fc.')}
    path = os.path.join(args.out, f'{args.id}.pth')
    torch.save(state, path)
    with open(path, 'rb') as f:
        log['checkpointSha256'] = hashlib.sha256(f.read()).hexdigest()
    log['id'] = args.id
    log['mean'] = args.mean
    log['std'] = args.std
    log_path = os.path.join(args.out, 'train-log.json')
    logs = {}
    if os.path.exists(log_path):
        with open(log_path) as f:
            logs = json.load(f)
    logs[args.id] = log
    with open(log_path, 'w') as f:
        json.dump(logs, f, indent=2)
    print(f'[{args.method}] saved {path} final loss {log["finalLoss"]} in {log["seconds"]}s', flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--method', choices=METHODS, required=True)
    p.add_argument('--id', help='zoo id (default zoo-<method>-r10n)')
    p.add_argument('--out', default='.cache/zoo')
    p.add_argument('--size', type=int, default=32, help='input size (28×28 grey is resized to it)')
    p.add_argument('--widths', default='32,64,128,256')
    p.add_argument('--epochs', type=float, default=4)
    p.add_argument('--steps', type=int, default=0, help='overrides --epochs (tests use a few steps)')
    p.add_argument('--subset', type=int, default=0, help='use this many TRAIN images (0 = all 60,000)')
    p.add_argument('--batch', type=int, default=256)
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--weight-decay', type=float, default=1e-4)
    p.add_argument('--warmup', type=int, default=20, help='linear warm-up steps')
    p.add_argument('--temperature', type=float, default=0.3)
    p.add_argument('--ema', type=float, default=0.99, help='BYOL target momentum at the start (→ 1)')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument(
        '--random-bn',
        choices=('data', 'init'),
        default='data',
        help='random control: estimate BN statistics on TRAIN images (data) or keep mean 0 / var 1 (init)',
    )
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--print-every', type=int, default=20)
    # Fashion-MNIST TRAIN pixel statistics (mean/std of the 28×28 grey values / 255).
    p.add_argument('--mean', type=float, default=0.2860)
    p.add_argument('--std', type=float, default=0.3530)
    args = p.parse_args()
    args.id = args.id or f'zoo-{args.method}-r10n'
    return args


if __name__ == '__main__':
    arguments = parse_args()
    trained, record = train(arguments)
    trained.eval()
    save(trained, record, arguments)
