"""What do self-supervised weights know before any label is used? Frozen
backbone features of a recognizer config, from a random initialisation and
from each given TimeBalance stage-1 checkpoint, probed without training:

* nearest class mean (cosine) with the class means of a labeled list (the
  1, 3 or 10 labels per class a semi-supervised run starts from);
* k-nearest neighbours (cosine, majority vote, ties to the smaller class
  index, as scikit-learn's ``KNeighborsClassifier``) with every video of a
  reference list labeled (the usual measure of a representation).

    python tools/benchmark/ssl_probe.py CONFIG --data DATA_ROOT \
        --reference TRAIN.txt --labeled NAME=LIST [NAME=LIST ...] \
        --eval EVAL.txt --checkpoint NAME=SSL.pth [...] [--out FILE.json]

Features: the backbone's output for every view of the config's test
pipeline, averaged over T x H x W and over views, L2-normalised. A
diagnostic only: it reads the labels of the lists it is given, trains
nothing, and selects nothing.
"""
import argparse
import os.path as osp
import sys

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)
sys.path.insert(0, osp.join(REPO, 'tools', 'timebalance'))
sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

import mmsemi_action  # noqa: F401,E402
from mmaction.registry import MODELS  # noqa: E402
from ssl_to_recognizer import backbone_state  # noqa: E402
from timebalance_targets import split_dataset, write_json  # noqa: E402


def nearest_mean_predict(feats: torch.Tensor, labels: torch.Tensor,
                         queries: torch.Tensor) -> torch.Tensor:
    """Class of the most cosine-similar class mean. ``feats`` (N, C) with
    ``labels`` (N, ), ``queries`` (M, C) -> (M, ) class indices (classes
    absent from ``labels`` are never predicted)."""
    classes = torch.unique(labels)
    means = torch.stack([feats[labels == c].mean(0) for c in classes])
    sims = F.normalize(queries, dim=1) @ F.normalize(means, dim=1).t()
    return classes[sims.argmax(1)]


def knn_predict(feats: torch.Tensor, labels: torch.Tensor,
                queries: torch.Tensor, k: int) -> torch.Tensor:
    """Majority class of the ``k`` most cosine-similar ``feats`` (N, C) for
    each of ``queries`` (M, C); ties go to the smaller class index."""
    sims = F.normalize(queries, dim=1) @ F.normalize(feats, dim=1).t()
    nearest = labels[sims.topk(min(k, len(labels)), dim=1).indices]
    votes = F.one_hot(nearest, int(labels.max()) + 1).sum(1)
    return votes.argmax(1)  # first maximum: the smaller class index


def read_list(path: str) -> list:
    """``[(video, label)]`` of an MMAction2 video list."""
    with open(path) as f:
        return [(line.split()[0], int(line.split()[1]))
                for line in f if line.strip()]


@torch.no_grad()
def video_features(cfg: Config, models: dict, ann: str, data: str,
                   batch_size: int = 8) -> dict:
    """``{model name: {video (as listed): feature (C, )}}`` of every video
    of ``ann`` for each of ``models`` (each batch decoded once for all)."""
    dataset = split_dataset(cfg, ann, data)
    names = [name for name, _ in read_list(ann)]
    out = {name: {} for name in models}
    for start in range(0, len(dataset), batch_size):
        indices = range(start, min(start + batch_size, len(dataset)))
        # every model is built from ``cfg``: one data preprocessor for all
        preprocessor = next(iter(models.values())).data_preprocessor
        inputs = preprocessor(pseudo_collate([dataset[i] for i in indices]),
                              False)['inputs']
        for name, model in models.items():
            # inputs (B, views, C, T, H, W) -> features (B, C')
            x = model.backbone(inputs.flatten(0, 1))
            x = x.mean(dim=tuple(range(2, x.dim())))
            x = x.view(inputs.shape[0], inputs.shape[1], -1).mean(1)
            for i, feat in zip(indices, F.normalize(x, dim=1)):
                out[name][names[i]] = feat
    return out


def build_model(cfg: Config, checkpoint: str = None, seed: int = 0):
    """The config's recognizer in eval mode: initialised with ``seed``,
    then, with ``checkpoint``, every backbone tensor from its stage-1
    ``recognizer.backbone.*`` (an error if any is missing)."""
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    if checkpoint:
        state = backbone_state(checkpoint)
        missing, _ = model.load_state_dict(state, strict=False)
        missing = [k for k in missing if k.startswith('backbone.')]
        unexpected = sorted(set(state) - set(model.state_dict()))
        if missing or unexpected:
            raise KeyError(f'{checkpoint} does not fit {cfg.filename}: '
                           f'missing {missing[:3]}, unexpected '
                           f'{unexpected[:3]}')
    return model.eval()


def probe(feats: dict, reference: list, labeled: dict, evaluated: list,
          k: int) -> dict:
    """Top-1 on ``evaluated`` of the nearest class mean of each list in
    ``labeled`` and of the ``k``-NN over ``reference``."""
    def stack(pairs):
        return (torch.stack([feats[n] for n, _ in pairs]),
                torch.tensor([c for _, c in pairs]))

    queries, truth = stack(evaluated)

    def top1(pred):
        return (pred == truth).float().mean().item()

    out = dict(nearest_mean={name: top1(nearest_mean_predict(
        *stack(pairs), queries)) for name, pairs in labeled.items()})
    out[f'knn{k}'] = top1(knn_predict(*stack(reference), queries, k))
    return out


def named(values: list, option: str) -> dict:
    out = {}
    for value in values:
        name, sep, path = value.partition('=')
        if not sep or not name or not path:
            raise SystemExit(f'ssl_probe.py: error: {option} {value!r}: '
                             'expected NAME=PATH')
        out[name] = path
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='a recognizer config (its model and '
                        'test pipeline)')
    parser.add_argument('--data', required=True, help='video root')
    parser.add_argument('--reference', required=True,
                        help='list of the k-NN reference videos (labeled)')
    parser.add_argument('--labeled', nargs='+', default=[],
                        metavar='NAME=LIST', help='labeled lists, each a '
                        'subset of --reference, for the nearest class mean')
    parser.add_argument('--eval', required=True, help='list to score')
    parser.add_argument('--checkpoint', nargs='+', default=[],
                        metavar='NAME=CKPT', help='stage-1 checkpoints')
    parser.add_argument('--k', type=int, default=20)
    parser.add_argument('--seed', type=int, default=0,
                        help='of the random initialisation')
    parser.add_argument('--out', help='write the result here (JSON)')
    args = parser.parse_args(argv)
    init_default_scope('mmaction')
    cfg = Config.fromfile(args.config)
    reference = read_list(args.reference)
    known = {name for name, _ in reference}
    labeled = {}
    for name, path in named(args.labeled, '--labeled').items():
        labeled[name] = read_list(path)
        outside = [v for v, _ in labeled[name] if v not in known]
        if outside:
            raise SystemExit(f'ssl_probe.py: error: {path}: {outside[0]} is '
                             f'not in --reference {args.reference}')
    evaluated = read_list(args.eval)
    result = dict(config=osp.relpath(args.config, REPO), k=args.k,
                  seed=args.seed, reference=args.reference,
                  labeled=named(args.labeled, '--labeled'), eval=args.eval,
                  models={})
    checkpoints = dict(random=None, **named(args.checkpoint, '--checkpoint'))
    models = {name: build_model(cfg, checkpoint, args.seed)
              for name, checkpoint in checkpoints.items()}
    feats = video_features(cfg, models, args.reference, args.data)
    for name, extra in video_features(cfg, models, args.eval,
                                      args.data).items():
        feats[name].update(extra)
    for name, checkpoint in checkpoints.items():
        result['models'][name] = dict(
            checkpoint=checkpoint,
            **probe(feats[name], reference, labeled, evaluated, args.k))
    write_json(result, args.out)


if __name__ == '__main__':
    main()
