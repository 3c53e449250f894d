"""Accuracy of the semi-supervised methods against their bounds.

For each labels-per-class setting and split seed, trains through the real
runner and real configs, with the same backbone and iteration budget:

* ``supervised``: the recognizer on the labeled subset (lower bound);
* ``supervised_all``: the recognizer on every training label (upper bound);
* ``fixmatch``, ``mean_teacher``, ``cmpl``, ``ltg``, ``acl_mtl``: the
  semi-supervised methods, and ``acl_mtl_base``, ACL+MTL's teacher-student
  base (Eq. 1-3, no ACL, no MTL) on the same clips;
* ``timebalance``, ``timebalance_avg`` (its plain-average ablation) and
  ``timebalance_distinctive`` (f_D alone as the teacher), the same
  teachers, through ``tools/timebalance/train.py``: stage 1 once per
  data set (training seed ``SSL_SEED``, shared by every split;
  ``--ssl-per-seed``: once per split seed; its weights are committed so
  that ``--reuse`` restores it on a fresh checkout),
  teachers and scores once per split (``--preset long``: the stage-1 clips
  need 64 frames);

``--init ssl`` starts every method from TimeBalance's stage-1 f_D backbone
(the same run TimeBalance's student starts from). The suite then
evaluates the *final* checkpoint (nothing is selected) with the
standard test pipeline on the ``test`` split (the reported numbers) and on
the ``val`` split (the one settings were chosen on, reported alongside).

Each run leaves in ``OUT/runs/<method>_<k>pc_seed<s>/`` the resolved config,
its logs and ``run.json`` (cache key and the fields it hashes, command
lines, git commit, seeds, library versions), and a compact record in
``OUT/records/<method>_<k>pc_seed<s>.json`` (a few KB: the numbers, the
quoted logged scalars and everything in ``run.json``). A finished run is
reused only when its cache key (method, resolved config, iterations,
``--cfg-options``, ``--init``, the annotation files' contents, seed) is
unchanged; otherwise it is rerun and the old directory moved to
``OUT/runs/stale/``. An interrupted sweep resumes; ``OUT/results.md``,
``results.csv`` and the plot cover every record in ``OUT``.

    python tools/benchmark/semi_benchmark.py --family coarse \\
        --labels-per-class 10 3 1 --seeds 0 1 2 \\
        --out work_dirs/benchmark/coarse
    python tools/benchmark/semi_benchmark.py --quick --out work_dirs/quick
    # your own clips: DIR/labeled.txt, unlabeled.txt, val.txt, test.txt
    # (without test.txt, val.txt serves as both, with a warning)
    python tools/benchmark/semi_benchmark.py --data DIR --out OUT
    # the README's tables and plots, rebuilt from committed records alone
    # (DIR/<sweep>/records/*.json -> DIR/results.md, DIR/*.png; --readme
    # also writes the tables into README.md's benchmark-results block)
    python tools/benchmark/semi_benchmark.py --report docs/benchmark
"""
import argparse
import csv
import glob
import hashlib
import json
import os
import os.path as osp
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import warnings

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

CONFIGS = dict(
    supervised='configs/supervised/'
    'supervised_r3d18-tiny_1xb8-2k-iter_synthetic-coarse-labeled.py',
    supervised_all='configs/supervised/'
    'supervised_r3d18-tiny_1xb8-2k-iter_synthetic-coarse-all.py',
    fixmatch='configs/fixmatch/'
    'fixmatch_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    mean_teacher='configs/mean_teacher/'
    'mean-teacher_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    cmpl='configs/cmpl/cmpl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    ltg='configs/ltg/ltg_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    acl_mtl_base='configs/acl_mtl/'
    'acl-mtl-base_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    acl_mtl='configs/acl_mtl/'
    'acl-mtl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py',
    finepseudo='configs/finepseudo/'
    'finepseudo_r3d18-tiny_1xb16-2k-iter_synthetic-fine.py',
)
#: student-only options of each TimeBalance variant: TimeBalance (its
#: student; the stages before it run through tools/timebalance/train.py),
#: its plain-average ablation (Table 4: s = 0.5 instead of TSTR) and the
#: one-teacher ablation with f_D alone (Table 2's "f_D only" row), all
#: from the same teachers
TIMEBALANCE = dict(
    timebalance=[],
    timebalance_avg=['model.semi_train_cfg.reweighting=False'],
    timebalance_distinctive=['model.semi_train_cfg.teachers=[distinctive]'])
CONFIGS.update(dict.fromkeys(
    TIMEBALANCE, 'configs/timebalance/timebalance_r3d18-tiny_1xb16-2k-iter_'
    'synthetic-long.py'))
#: the stage-1 configs a TimeBalance run or ``--init ssl`` depends on
SSL_CONFIGS = tuple(
    f'configs/timebalance/timebalance-ssl-{obj}_r3d18-tiny_1xb8-2k-iter_'
    'synthetic-long.py' for obj in ('distinctive', 'invariant')) + (
    'configs/timebalance/timebalance-teacher_r3d18-tiny_1xb8-2k-iter_'
    'synthetic-long.py', )
SEMI_METHODS = ('fixmatch', 'mean_teacher', 'cmpl', 'ltg', 'acl_mtl_base',
                'acl_mtl', *TIMEBALANCE, 'finepseudo',
                'finepseudo_confidence')
#: variants: a method's config with these options (its own cache key)
CONFIGS['finepseudo_confidence'] = CONFIGS['finepseudo']
VARIANT_OPTIONS = dict(
    finepseudo_confidence=['custom_hooks.0.strategy=confidence'])
#: what a method's open-world runs add (``--open-world``), as the shipped
#: open-world configs do: FinePseudo's gate on the best class alignability,
#: ``option: (base config, its variable)``
OPEN_WORLD_OPTIONS = dict(finepseudo={
    'custom_hooks.0.min_alignability': ('configs/_base_/semi/finepseudo.py',
                                        'open_world_min_alignability')})


def method_options(method, open_world=False):
    """The options a method (variant) adds to its config."""
    options = list(VARIANT_OPTIONS.get(method, []))
    if open_world:
        from mmengine.config import Config
        for key, (base, name) in OPEN_WORLD_OPTIONS.get(method, {}).items():
            value = Config.fromfile(osp.join(REPO, base))[name]
            options.append(f'{key}={value}')
    return options


#: methods that label the unlabeled set in offline rounds
#: (PseudoLabelFilterHook): half the budget on the labeled set, then two
#: rounds of a quarter each, a cosine cycle per stage
ROUND_METHODS = ('finepseudo', 'finepseudo_confidence')
#: FinePseudo's self-supervised f_A (Algorithm 1, lines 6-10), trained on
#: the split's labeled and unlabeled videos (labels unread) for half the
#: iteration budget before each FinePseudo run
ALIGNER_SSL_CONFIG = ('configs/finepseudo/finepseudo-ssl_frame-transformer-'
                      'r18-tiny_1xb8-1k-iter_synthetic-fine.py')
#: where a method's trained network sits in its state dict (the prefix an
#: ``--init`` checkpoint gets); CMPL's / LTG's auxiliary networks and the
#: teachers start as their configs say
INIT_PREFIX = dict(supervised='', supervised_all='')
#: config paths of every classification head (num_classes follows the data)
HEADS = dict(
    supervised=('model', ),
    supervised_all=('model', ),
    cmpl=('model.primary', 'model.auxiliary'),
    ltg=('model.primary', 'model.auxiliary'),
    **dict.fromkeys(TIMEBALANCE, ('model.recognizer', )),
)
#: logged scalars a record quotes (their last logged value) and their names
QUOTED_SCALARS = (('unsup_pl_acc', 'pl_acc'),
                  ('unsup_mask_ratio', 'mask_ratio'), ('loss', 'loss'))
#: the annotation files whose contents enter a run's cache key
DATA_FILES = ('labeled', 'unlabeled', 'val', 'test', 'all_labels')
FIELDS = ('family', 'init', 'method', 'labels_per_class', 'seed', 'top1',
          'top5', 'val_top1', 'val_top5', 'pl_acc', 'mask_ratio', 'iters',
          'wall_s', 'key', 'commit')


def count_classes(*ann_files):
    """Number of classes, read from labeled annotation lists."""
    labels = set()
    for path in ann_files:
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                if len(line.split()) != 2:
                    raise ValueError(f'{path}:{lineno}: expected '
                                     f'"path label", got {line.strip()!r}')
                labels.add(int(line.split()[1]))
    return max(labels) + 1


def schedule_options(iters, method=None):
    # a linear warm-up of a tenth (at most 50, at least 1: LinearLR needs
    # end > begin) of the iterations
    warmup = max(1, min(50, iters // 10))
    if method in ROUND_METHODS:
        milestones = [iters // 2, iters * 3 // 4]
        return {
            'train_cfg.max_iters': iters,
            'train_cfg.val_interval': iters,
            'default_hooks.checkpoint.interval': iters,
            'default_hooks.logger.interval': max(1, iters // 20),
            'param_scheduler.0.end': warmup,
            'param_scheduler.1.begin': warmup,
            'param_scheduler.1.end': iters,
            'param_scheduler.1.periods': [
                milestones[0] - warmup, milestones[1] - milestones[0],
                iters - milestones[1]],
            'custom_hooks.0.milestones': milestones,
        }
    return {
        'train_cfg.max_iters': iters,
        'train_cfg.val_interval': iters,
        'default_hooks.checkpoint.interval': iters,
        'default_hooks.logger.interval': max(1, iters // 20),
        'param_scheduler.0.end': warmup,
        'param_scheduler.1.begin': warmup,
        'param_scheduler.1.end': iters,
        'param_scheduler.1.T_max': iters - warmup,
    }


def stage_schedule_options(iters):
    """``schedule_options`` for TimeBalance's stages, with a checkpoint
    every 500 iterations: ``tools/timebalance/train.py`` resumes an
    interrupted stage from its last checkpoint, so a sweep stopped at a
    session's end loses at most 500 iterations of a stage (the checkpoint
    interval changes no result, so it is not in any cache key)."""
    opts = schedule_options(iters)
    opts['default_hooks.checkpoint.interval'] = min(iters, 500)
    return opts


def warmup_options(config, iters):
    """A method's supervised warm-up (``semi_train_cfg.warmup_iters``,
    e.g. LTG, ACL+MTL) scaled with the iteration budget, so that short runs
    (``--quick``) keep the same share of warm-up."""
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    warmup = (cfg.model.get('semi_train_cfg') or {}).get('warmup_iters', 0)
    if not warmup:
        return {}
    return {'model.semi_train_cfg.warmup_iters':
            round(warmup * iters / cfg.train_cfg.max_iters)}


def data_options(method, data_root, labeled, unlabeled, val, test,
                 num_classes, all_labels, open_world=False, time_stride=1):
    opts = {
        f'{head}.cls_head.num_classes': num_classes
        for head in HEADS.get(method, ('model.recognizer', ))
    }
    for split, ann in (('val', val), ('test', test)):
        opts[f'{split}_dataloader.dataset.ann_file'] = ann
        opts[f'{split}_dataloader.dataset.data_prefix.video'] = data_root
        opts[f'{split}_dataloader.dataset.num_classes'] = num_classes
    if method.startswith('supervised'):
        opts['train_dataloader.dataset.ann_file'] = (
            labeled if method == 'supervised' else all_labels)
        opts['train_dataloader.dataset.data_prefix.video'] = data_root
        opts['train_dataloader.dataset.num_classes'] = num_classes
    else:
        for source, ann in (('labeled', labeled), ('unlabeled', unlabeled)):
            key = f'train_dataloader.dataset.{source}'
            opts[f'{key}.ann_file'] = ann
            opts[f'{key}.data_prefix.video'] = data_root
            # open world: unlabeled videos of novel classes keep their
            # (logged, never trained on) labels beyond the heads
            opts[f'{key}.num_classes'] = None if (
                open_world and source == 'unlabeled') else num_classes
    return opts


def format_options(opts):
    out = []
    for key, value in opts.items():
        if isinstance(value, list):
            value = '[' + ','.join(f'"{v}"' if isinstance(v, str) else str(v)
                                   for v in value) + ']'
        out.append(f'{key}={value}')
    return out


def time_stride_options(config, stride):
    """Options that scale every temporal distance of ``config``'s sampling
    (``frame_interval``, a view's ``shift`` and ``pair_offset``, and
    ``max_offset``, in seconds at the presets' common frame rate) by
    ``stride``: the synthetic ``long`` preset spreads the motion of a
    16-frame video over ``stride`` times the frames, so a method samples
    the same motion as on the ``benchmark`` preset (TimeBalance's configs
    are written for ``long`` and take none)."""
    if stride == 1:
        return {}
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    pipelines = []
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = (cfg.get(loader) or {}).get('dataset') or {}
        for source in ('', 'labeled', 'unlabeled'):
            part = dataset.get(source) if source else dataset
            if part and part.get('pipeline'):
                path = '.'.join(p for p in (loader, 'dataset', source) if p)
                pipelines.append((f'{path}.pipeline', part['pipeline']))
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        if hook.get('pipeline'):
            pipelines.append((f'custom_hooks.{i}.pipeline', hook['pipeline']))
    opts = {}
    for path, pipeline in pipelines:
        for i, transform in enumerate(pipeline):
            places = [(f'{path}.{i}', transform)] + [
                (f'{path}.{i}.views.{name}', view)
                for name, view in (transform.get('views') or {}).items()]
            for where, spec in places:
                for key in ('frame_interval', 'shift', 'pair_offset',
                            'max_offset'):
                    if spec.get(key) is not None:
                        opts[f'{where}.{key}'] = spec[key] * stride
    return opts


# --------------------------------------------------------------- one run
def last_scalars(work_dir):
    """The quoted scalars (:data:`QUOTED_SCALARS`) at the last training
    iteration that logged each, from the newest ``scalars.json`` under
    ``work_dir``."""
    logs = sorted(
        (osp.join(root, f) for root, _, files in os.walk(work_dir)
         for f in files if f == 'scalars.json'), key=osp.getmtime)
    result = {}
    if not logs:
        return result
    with open(logs[-1]) as f:
        for line in f:
            entry = json.loads(line)
            for src, dst in QUOTED_SCALARS:
                if src in entry:
                    result[dst] = entry[src]
    return result


def parse_metrics(text, source):
    """top-1 and top-5 from ``tools/test.py``'s output (``AccMetric``)."""
    found = {}
    for name in ('top1', 'top5'):
        match = re.findall(rf'acc/{name}: ([0-9.]+)', text)
        if not match:
            raise ValueError(f'{source}: no "acc/{name}: <value>" line; '
                             'see that log for why the evaluation failed')
        found[name] = float(match[-1])
    return found


def sha1_file(path):
    with open(path, 'rb') as f:
        return hashlib.sha1(f.read()).hexdigest()


def config_digest(config):
    """sha1 of the resolved config, its ``_base_`` files included."""
    from mmengine.config import Config
    text = json.dumps(Config.fromfile(config).to_dict(), sort_keys=True,
                      default=repr)
    return hashlib.sha1(text.encode()).hexdigest()


def key_fields(method, lpc, seed, data, iters, extra=(), init=None,
               family='custom', ssl_seed=None):
    """Everything that changes a run's result. Paths are left out: the data
    enter by their family (the synthetic generator numbers every family's
    videos alike, so the lists of ``coarse`` and ``fine`` are the same
    bytes; for your own data, one ``--out`` per video set) and their
    annotation files' contents, the config by its resolved
    contents (so moving ``OUT`` keeps the cache, editing a ``_base_`` file
    misses it), an ``--init`` checkpoint by its tensors; TimeBalance runs
    add their stage configs and stage-1 seed."""
    fields = dict(method=method, family=family, labels_per_class=lpc,
                  seed=seed, config=CONFIGS[method],
                  config_sha1=config_digest(osp.join(REPO, CONFIGS[method])),
                  iters=iters,
                  cfg_options=method_options(
                      method, data.get('open_world', False)) + list(extra),
                  init=None if init is None else [init[0],
                                                  weights_digest(init[1])],
                  num_classes=data['num_classes'],
                  data={name: sha1_file(data[name]) for name in DATA_FILES})
    if data.get('time_stride', 1) != 1 and method not in TIMEBALANCE:
        fields['time_stride_options'] = format_options(time_stride_options(
            osp.join(REPO, CONFIGS[method]), data['time_stride']))
    if method in TIMEBALANCE:
        fields['stage_configs_sha1'] = stage_digest()
        fields['ssl_seed'] = SSL_SEED if ssl_seed is None else ssl_seed
    if method in ROUND_METHODS:
        fields['aligner_ssl_config_sha1'] = config_digest(
            osp.join(REPO, ALIGNER_SSL_CONFIG))
    return fields


def stage_digest():
    """sha1 of TimeBalance's stage-1 and teacher configs."""
    return hashlib.sha1(''.join(
        config_digest(osp.join(REPO, c)) for c in SSL_CONFIGS).encode()) \
        .hexdigest()


def cache_key(fields):
    return hashlib.sha1(json.dumps(fields, sort_keys=True).encode()) \
        .hexdigest()


def provenance():
    """git commit (and whether tracked files had changes) and versions."""
    def git(*args):
        try:
            return subprocess.run(['git', *args], cwd=REPO, text=True,
                                  capture_output=True).stdout.strip()
        except OSError:
            return ''
    versions = dict(python=platform.python_version())
    for name in ('torch', 'torchvision', 'mmengine', 'mmcv', 'mmaction',
                 'mmpretrain', 'numpy', 'decord'):
        try:
            versions[name] = __import__(name).__version__
        except Exception:  # noqa: BLE001  (absent or broken: recorded)
            versions[name] = None
    return dict(commit=git('rev-parse', 'HEAD'),
                dirty=bool(git('status', '--porcelain',
                               '--untracked-files=no')),
                versions=versions)


def relative(words):
    """Command-line words with the repository's path dropped."""
    return [w.replace(REPO + os.sep, '') for w in words]


def retire(run_dir, key, fields):
    """Make room for a run with cache key ``key``: a finished run with
    another key moves to ``runs/stale/`` (the changed fields are printed),
    an unfinished one is removed. Returns the finished run's record when
    its key is ``key``."""
    result_file = osp.join(run_dir, 'result.json')
    if osp.isfile(result_file):
        with open(result_file) as f:
            record = json.load(f)
        if record.get('key') == key:
            return record
        old = record.get('key_fields', {})
        changed = sorted(k for k in set(old) | set(fields)
                         if old.get(k) != fields.get(k))
        stale = osp.join(osp.dirname(run_dir), 'stale',
                         f'{osp.basename(run_dir)}-'
                         f'{str(record.get("key"))[:8]}')
        print(f'   cache miss: {osp.basename(run_dir)} changed in '
              f'{changed}; the old run moves to {stale}', flush=True)
        if osp.exists(stale):
            shutil.rmtree(stale)
        os.makedirs(osp.dirname(stale), exist_ok=True)
        shutil.move(run_dir, stale)
    elif osp.isdir(run_dir):  # interrupted: start it again
        shutil.rmtree(run_dir)
    return None


def collect(run_dir):
    """A run's record from its directory alone: ``run.json``, the test and
    val evaluation logs and the training's ``scalars.json``."""
    with open(osp.join(run_dir, 'run.json')) as f:
        record = json.load(f)
    for split, prefix in (('test', ''), ('val', 'val_')):
        log = osp.join(run_dir, f'{split}.log')
        with open(log) as f:
            for name, value in parse_metrics(f.read(), log).items():
                record[prefix + name] = value
    if record['method'] in SEMI_METHODS:
        record.update(last_scalars(run_dir))
    rounds = round_stats(run_dir)
    if rounds:
        record['rounds'] = rounds
        last = rounds[-1]
        record['pl_acc'] = None if last.get('acc') is None else \
            last['acc'] / 100
        record['mask_ratio'] = last['count'] / last['num_unlabeled']
    return record


def round_stats(run_dir):
    """Per-round statistics ``PseudoLabelFilterHook`` wrote (count,
    accuracy, novel-class count), in round order."""
    files = glob.glob(osp.join(run_dir, 'pseudo_labels', 'round_*.json'))
    stats = []
    for path in files:
        with open(path) as f:
            stats.append(json.load(f))
    return sorted(stats, key=lambda s: s['round'])


#: stage 1 needs no labels: by default it is trained once per data set
#: (every training video), with this training seed, and shared by every
#: split and split seed, as the paper pretrains once per data set (they
#: are the suite's two most expensive runs); ``--ssl-per-seed`` trains one
#: per split seed instead. The split seed is the training seed of
#: everything after it
SSL_SEED = 0
SSL_STAGES = ('ssl_distinctive', 'ssl_invariant')


def ssl_dir_of(data, iters, out_dir, extra=(), family='custom',
               ssl_seed=SSL_SEED):
    """``OUT/ssl/<key>``: the stage-1 runs, named by a key of what changes
    them (stage configs, iterations, options, the family and its videos,
    the seed)."""
    key = cache_key(dict(stages=stage_digest(), iters=iters,
                         extra=list(extra), seed=ssl_seed, family=family,
                         videos=sha1_file(data['all_labels'])))[:10]
    return osp.join(out_dir, 'ssl', key)


def timebalance_command(python, method, lpc, seed, data, iters, out_dir,
                        run_dir, extra=(), stop_after=None, family='custom',
                        ssl_seed=SSL_SEED):
    """``tools/timebalance/train.py`` for one split: the stage-1 runs shared
    by every split (``OUT/ssl/<key>``, trained on every training video),
    teachers and scores per split (``OUT/timebalance/<key>/<k>pc_seed<s>``),
    the student in ``run_dir``."""
    ssl_dir = ssl_dir_of(data, iters, out_dir, extra, family, ssl_seed)
    split_key = cache_key(dict(ssl=osp.basename(ssl_dir), data={
        n: sha1_file(data[n]) for n in ('labeled', 'unlabeled')}))[:10]
    words = [python, osp.join(REPO, 'tools', 'timebalance', 'train.py'),
             '--data', data['data_root'], '--seed', str(seed),
             '--ssl-seed', str(ssl_seed), '--iters', str(iters),
             '--ssl-work-dir', ssl_dir, '--ssl-ann', data['all_labels']]
    if stop_after:
        return words + ['--work-dir', ssl_dir, '--stop-after', stop_after,
                        '--cfg-options'], ssl_dir
    stages = osp.join(out_dir, 'timebalance', split_key, f'{lpc}pc_seed{seed}')
    words += ['--split', osp.dirname(data['labeled']), '--work-dir', stages,
              '--student-work-dir', run_dir]
    if TIMEBALANCE[method]:
        words += ['--student-cfg-options'] + TIMEBALANCE[method]
    return words + ['--cfg-options'], stages


def stage_one(python, data, iters, out_dir, extra=(), reuse=None,
              last='ssl_invariant', family='custom', ssl_seed=SSL_SEED):
    """Make TimeBalance's stage-1 runs up to ``last`` DONE in
    ``OUT/ssl/<key>``, one stage at a time; returns that directory.

    Each finished stage leaves ``OUT/ssl/<key>/<stage>.pth`` (its final
    weights, no optimizer state: 9 MB for the tiny R3D-18) and
    ``<stage>.json`` (how it was trained). Committed beside a sweep's
    records (``docs/benchmark/<family>/ssl/<key>/``, these files only:
    not the ``init_*.pth`` derived from them), they let ``--reuse``
    on a fresh checkout restore the stage instead of training it again,
    so that a stage-1 run (the suite's slowest, ``wall_s`` in its JSON)
    is paid once across sessions."""
    ssl_dir = ssl_dir_of(data, iters, out_dir, extra, family, ssl_seed)
    committed = committed_stage_dir(reuse, osp.basename(ssl_dir))
    for stage in SSL_STAGES[:SSL_STAGES.index(last) + 1]:
        stage_dir = osp.join(ssl_dir, stage)
        kept = osp.join(committed or '', f'{stage}.pth')
        command, _ = timebalance_command(
            python, 'timebalance', None, ssl_seed, data, iters, out_dir,
            None, extra, stop_after=stage, family=family, ssl_seed=ssl_seed)
        options = format_options(stage_schedule_options(iters)) + list(extra)
        meta = dict(command=relative(command), iters=iters,
                    cfg_options=relative(options), wall_s=None)
        if not osp.isfile(osp.join(stage_dir, 'DONE')):
            if committed and osp.isfile(kept):
                restore_stage(committed, stage, ssl_dir)
                print(f'   {stage}: restored from {committed}', flush=True)
                continue
            os.makedirs(ssl_dir, exist_ok=True)
            start = time.time()
            log_file = osp.join(ssl_dir, 'train.log')
            with open(log_file, 'a') as log:
                res = subprocess.run(command + options, cwd=REPO,
                                     stdout=log, stderr=subprocess.STDOUT)
            if res.returncode:
                raise RuntimeError(f'stage 1 ({stage}) failed; see '
                                   f'{log_file}')
            meta['wall_s'] = round(time.time() - start, 1)
        if not osp.isfile(osp.join(ssl_dir, f'{stage}.pth')):
            # also a stage that finished before it could be exported
            export_stage(ssl_dir, stage, meta)
        elif committed and osp.isfile(kept) and _recorded_sha(
                osp.join(ssl_dir, f'{stage}.json')) != _recorded_sha(
                    osp.join(committed, f'{stage}.json')):
            warnings.warn(f'{stage_dir}: trained here, not the weights '
                          f'committed in {committed} (runs started from '
                          'it miss the committed records\' keys)')
    return ssl_dir


def committed_stage_dir(reuse, key):
    """Where a sweep's stage-1 files were committed: ``RECORDS/../ssl/<key>``
    or, failing that, a sibling sweep's ``RECORDS/../../*/ssl/<key>`` (the
    key names the stage configs, iterations, family, videos and seed, so
    e.g. ``--init ssl`` sweeps committed under their own directory share
    the stage of ``docs/benchmark/coarse-long/ssl/``); ``None`` without
    ``--reuse``."""
    if not reuse:
        return None
    sweep = osp.dirname(osp.abspath(reuse))
    own = osp.join(sweep, 'ssl', key)
    if osp.isdir(own):
        return own
    siblings = sorted(glob.glob(osp.join(osp.dirname(sweep), '*', 'ssl',
                                         key)))
    return siblings[0] if siblings else own


def _recorded_sha(path):
    with open(path) as f:
        return json.load(f)['weights_sha1']


def export_stage(ssl_dir, stage, meta):
    """``ssl_dir/<stage>.pth``: the finished stage's weights alone, and
    ``<stage>.json``: ``meta``, the checkpoint's name, the provenance and
    the stage's last logged loss."""
    import torch
    stage_dir = osp.join(ssl_dir, stage)
    with open(osp.join(stage_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    state = _load_state(checkpoint)
    torch.save(dict(state_dict=state['state_dict'],
                    meta=dict(iter=state.get('meta', {}).get('iter'))),
               osp.join(ssl_dir, f'{stage}.pth'))
    meta = dict(meta, stage=stage, checkpoint=osp.basename(checkpoint),
                weights_sha1=state_digest(state['state_dict']),
                **last_scalars(stage_dir), **provenance())
    with open(osp.join(ssl_dir, f'{stage}.json'), 'w') as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write('\n')


def restore_stage(committed, stage, ssl_dir):
    """A finished stage from its committed weights: the checkpoint under
    its original name, ``last_checkpoint`` and ``DONE``, as the training
    left them (``tools/timebalance/train.py`` then skips it)."""
    with open(osp.join(committed, f'{stage}.json')) as f:
        meta = json.load(f)
    weights = osp.join(committed, f'{stage}.pth')
    if weights_digest(weights) != meta['weights_sha1']:
        raise ValueError(f'{weights}: its tensors do not match '
                         f'weights_sha1 in {stage}.json')
    # built aside and moved into place: an interrupted restore leaves no
    # half stage (a last_checkpoint without optimizer state to resume from)
    stage_dir = osp.abspath(osp.join(ssl_dir, stage))
    tmp = stage_dir + '.restoring'
    if osp.isdir(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)
    shutil.copyfile(weights, osp.join(tmp, meta['checkpoint']))
    with open(osp.join(tmp, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(stage_dir, meta['checkpoint']))
    open(osp.join(tmp, 'DONE'), 'w').close()
    if osp.isdir(stage_dir):  # an interrupted training of the stage
        shutil.rmtree(stage_dir)
    os.replace(tmp, stage_dir)
    for name in (f'{stage}.pth', f'{stage}.json'):
        shutil.copyfile(osp.join(committed, name), osp.join(ssl_dir, name))


def _load_state(path):
    from mmengine.runner.checkpoint import _load_checkpoint
    import mmsemi_action  # noqa: F401  (checkpoint loading, torch >= 2.6)
    return _load_checkpoint(path, map_location='cpu')


def weights_digest(path):
    """sha1 of a checkpoint's tensors (:func:`state_digest`): the same
    weights give the same digest whatever file or path holds them."""
    state = _load_state(path)
    return state_digest(state.get('state_dict', state))


def state_digest(state):
    """sha1 of a state dict's tensors (names, dtypes, shapes, values)."""
    import torch
    digest = hashlib.sha1()
    for name in sorted(state):
        tensor = state[name]
        if not isinstance(tensor, torch.Tensor):
            continue
        tensor = tensor.detach().cpu().contiguous()
        digest.update(f'{name}:{tensor.dtype}:{tuple(tensor.shape)}'
                      .encode())
        # 0-dim tensors (BN's num_batches_tracked) cannot be viewed as bytes
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def ssl_init(python, method, data, iters, out_dir, extra=(), reuse=None,
             family='custom', ssl_seed=SSL_SEED):
    """``('ssl', checkpoint)``: f_D's stage-1 backbone (TimeBalance's
    student initialisation) under ``method``'s prefix, pretrained once per
    data set (shared with TimeBalance runs and every split)."""
    ssl_dir = stage_one(python, data, iters, out_dir, extra, reuse,
                        last='ssl_distinctive', family=family,
                        ssl_seed=ssl_seed)
    prefix = INIT_PREFIX.get(method, 'student.')
    out = osp.join(ssl_dir, f'init_{prefix.rstrip(".") or "recognizer"}.pth')
    if not osp.isfile(out):
        with open(osp.join(ssl_dir, 'ssl_distinctive',
                           'last_checkpoint')) as f:
            checkpoint = f.read().strip()
        subprocess.run([python, osp.join(REPO, 'tools', 'timebalance',
                                         'ssl_to_recognizer.py'),
                        checkpoint, out, '--prefix', prefix], check=True,
                       cwd=REPO, capture_output=True)
    return ('ssl', out)


def aligner_ssl(python, lpc, seed, data, iters, out_dir, extra=()):
    """FinePseudo's self-supervised ``f_A`` for one split (``iters // 2``
    iterations on its labeled and unlabeled lists, labels unread), trained
    once and shared by the FinePseudo variants of that split; returns the
    checkpoint."""
    ssl_iters = max(1, iters // 2)
    key = cache_key(dict(config=config_digest(osp.join(REPO,
                                                       ALIGNER_SSL_CONFIG)),
                         iters=ssl_iters, extra=list(extra), seed=seed,
                         time_stride=data.get('time_stride', 1),
                         data={n: sha1_file(data[n])
                               for n in ('labeled', 'unlabeled')}))[:10]
    work_dir = osp.join(out_dir, 'finepseudo_ssl', key, f'{lpc}pc_seed{seed}')
    ckpt = osp.join(work_dir, f'iter_{ssl_iters}.pth')
    if osp.isfile(osp.join(work_dir, 'DONE')):
        return ckpt
    opts = schedule_options(ssl_iters)
    opts.update(time_stride_options(osp.join(REPO, ALIGNER_SSL_CONFIG),
                                    data.get('time_stride', 1)))
    for source in ('labeled', 'unlabeled'):
        opts[f'train_dataloader.dataset.{source}.ann_file'] = data[source]
        opts[f'train_dataloader.dataset.{source}.data_prefix.video'] = \
            data['data_root']
        opts[f'train_dataloader.dataset.{source}.num_classes'] = None
    os.makedirs(work_dir, exist_ok=True)
    with open(osp.join(work_dir, 'train.log'), 'w') as log:
        subprocess.run([python, osp.join(REPO, 'tools', 'train.py'),
                        osp.join(REPO, ALIGNER_SSL_CONFIG), '--work-dir',
                        work_dir, '--seed', str(seed), '--cfg-options'] +
                       format_options(opts) + list(extra), check=True,
                       cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    open(osp.join(work_dir, 'DONE'), 'w').close()
    return ckpt


def run_one(method, lpc, seed, data, iters, out_dir, python, extra=(),
            init=None, family='custom', reuse=None, ssl_seed=SSL_SEED,
            method_extra=()):
    """Train ``method`` on one split, evaluate its final checkpoint on the
    test and val splits; returns (and writes) the run's record. ``init``:
    ``None`` (the config's initialisation) or ``(label, checkpoint)``
    loaded with ``load_from``. ``extra``: cfg-options of every run this
    one needs (its self-supervised stages included); ``method_extra``:
    of the method's own training and evaluation only (e.g. a hook
    setting that the pretraining configs do not have)."""
    if method_extra and method in TIMEBALANCE:
        raise ValueError(f'{method}: method_extra is not passed to the '
                         'TimeBalance stages; use extra')
    run_dir = run_dir_of(out_dir, method, lpc, seed,
                         open_world=data.get('open_world', False))
    own_extra = list(extra) + list(method_extra)
    fields = key_fields(method, lpc, seed, data, iters, own_extra, init,
                        family, ssl_seed)
    key = cache_key(fields)
    record = retire(run_dir, key, fields)
    committed = osp.join(reuse or '', osp.basename(run_dir) + '.json')
    if record is None and reuse and osp.isfile(committed):
        with open(committed) as f:
            record = json.load(f)
        if record.get('key') != key:
            record = None
        else:
            print(f'   reused {committed} (same cache key)', flush=True)
    if record is not None:
        write_record(out_dir, run_dir, record)
        return record
    os.makedirs(run_dir)
    config = osp.join(REPO, CONFIGS[method])
    opts = data_options(method, **data)
    if method not in TIMEBALANCE:
        opts.update(time_stride_options(config, data.get('time_stride', 1)))
    if method in ROUND_METHODS:
        opts.update({
            'model.aligner.init_cfg.type': 'Pretrained',
            'model.aligner.init_cfg.checkpoint': aligner_ssl(
                python, lpc, seed, data, iters, out_dir, extra),
            'model.aligner.init_cfg.prefix': 'aligner.'})
    opts.update(schedule_options(iters, method))
    opts.update(warmup_options(config, iters))
    if init is not None:
        opts['load_from'] = init[1]
    options = format_options(opts) + method_options(
        method, data.get('open_world', False)) + own_extra
    ckpt = osp.join(run_dir, f'iter_{iters}.pth')
    train = [python, osp.join(REPO, 'tools', 'train.py'), config,
             '--work-dir', run_dir, '--seed', str(seed), '--cfg-options']
    train_options = options
    if method in TIMEBALANCE:  # its stages set data and heads themselves
        stage_one(python, data, iters, out_dir, extra, reuse, family=family,
                  ssl_seed=ssl_seed)
        train, _ = timebalance_command(python, method, lpc, seed, data,
                                       iters, out_dir, run_dir, extra,
                                       family=family, ssl_seed=ssl_seed)
        train_options = format_options(
            stage_schedule_options(iters)) + list(extra)
    # the val split is evaluated by the same test loop, pointed at val
    val_options = format_options({
        'test_dataloader.dataset.ann_file': data['val']})
    commands = dict(
        train=train,
        test=[python, osp.join(REPO, 'tools', 'test.py'), config, ckpt,
              '--work-dir', osp.join(run_dir, 'test'), '--cfg-options'],
        val=[python, osp.join(REPO, 'tools', 'test.py'), config, ckpt,
             '--work-dir', osp.join(run_dir, 'val'), '--cfg-options'])
    # each command is its words followed by cfg_options (train:
    # train_cfg_options; val: then also val_cfg_options); written once to
    # keep records small
    # TimeBalance's student always starts from f_D's stage-1 backbone
    label = 'ssl' if method in TIMEBALANCE else (init and init[0])
    meta = dict(method=method, family=family, init=label,
                init_checkpoint=relative([init[1]])[0] if init else None,
                labels_per_class=lpc, seed=seed, split_seed=seed,
                train_seed=seed, iters=iters, key=key, key_fields=fields,
                commands={k: relative(v) for k, v in commands.items()},
                train_cfg_options=relative(train_options),
                cfg_options=relative(options),
                val_cfg_options=relative(val_options), **provenance())
    start = time.time()
    with open(osp.join(run_dir, 'train.log'), 'w') as log:
        subprocess.run(commands['train'] + train_options, check=True,
                       cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    meta['wall_s'] = round(time.time() - start, 1)
    for split, words in (('test', options), ('val', options + val_options)):
        with open(osp.join(run_dir, f'{split}.log'), 'w') as log:
            subprocess.run(commands[split] + words, check=True, cwd=REPO,
                           stdout=log, stderr=subprocess.STDOUT)
    dumped = glob.glob(osp.join(run_dir, osp.basename(config)))
    meta['resolved_config_sha1'] = sha1_file(dumped[0]) if dumped else None
    with open(osp.join(run_dir, 'run.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    record = collect(run_dir)
    with open(osp.join(run_dir, 'result.json'), 'w') as f:
        json.dump(record, f, indent=1)
    write_record(out_dir, run_dir, record)
    return record


def run_dir_of(out_dir, method, lpc, seed, open_world=False):
    """``runs/<method>_<k>pc[_open-world]_seed<s>`` (an open-world run of
    the same split size has its own directory and record)."""
    tag = '_open-world' if open_world else ''
    return osp.join(out_dir, 'runs', f'{method}_{lpc}pc{tag}_seed{seed}')


def write_record(out_dir, run_dir, record):
    os.makedirs(osp.join(out_dir, 'records'), exist_ok=True)
    path = osp.join(out_dir, 'records', osp.basename(run_dir) + '.json')
    with open(path, 'w') as f:
        json.dump(record, f, indent=1, sort_keys=True)
        f.write('\n')


# ---------------------------------------------------------------- report
def read_records(root):
    """Every record under ``root`` (``root/records/*.json`` and
    ``root/*/records/*.json``), in method order. Two records of the same
    (family, init, method, labels, seed) are refused: a report quotes one
    run per cell."""
    paths = sorted(glob.glob(osp.join(root, 'records', '*.json')) +
                   glob.glob(osp.join(root, '*', 'records', '*.json')))
    rows, seen = [], {}
    for path in paths:
        with open(path) as f:
            row = json.load(f)
        if row.get('method') not in CONFIGS:
            continue
        cell = (row.get('family'), row.get('init'), row['method'],
                row['labels_per_class'], row['seed'])
        if cell in seen:
            raise ValueError(f'{path} and {seen[cell]} are runs of the same '
                             f'cell {cell}; keep one')
        seen[cell] = path
        rows.append(row)
    order = list(CONFIGS)
    return sorted(rows, key=lambda r: (
        str(r.get('family')), str(r.get('init')), order.index(r['method']),
        labels_key(r['labels_per_class']), r['seed']))


def labels_key(value):
    """Sort key of a labels-per-class value: numbers by value, then any
    other label (e.g. a custom ``--data`` split) by name."""
    if isinstance(value, (int, float)):
        return (0, value, '')
    return (1, 0, str(value))


def labels_order(values, descending=False):
    """Labels-per-class values in order: numbers by value (most first with
    ``descending``, as a sweep's ``--labels-per-class 10 3 1``), then any
    other label by name."""
    numbers = sorted((v for v in values if isinstance(v, (int, float))),
                     reverse=descending)
    return numbers + sorted((v for v in values if v not in numbers), key=str)


def groups(rows):
    """Rows by (family, init), in order of appearance."""
    out = {}
    for row in rows:
        out.setdefault((row.get('family'), row.get('init')), []).append(row)
    return out


def group_title(family, init):
    start = 'from scratch' if init is None else f'initialised from {init}'
    return f'{family}, {start}'


def group_slug(family, init):
    return f'{family}' + ('' if init is None else f'_{init}')


def summarise(rows):
    """Markdown tables, one per (family, init): test top-1 mean ± std over
    split seeds (the mean alone with one seed), val top-1 (the split
    settings were chosen on), gap closed on test = (method - lower) /
    (upper - lower), pseudo-label accuracy and mask ratio at the last
    logged iteration, wall time."""
    def stat(values):
        values = [v for v in values if v is not None]
        if not values:
            return '-'
        mean = f'{100 * statistics.mean(values):.1f}'
        if len(values) == 1:  # one seed: no spread to report
            return mean
        return f'{mean} ± {100 * statistics.stdev(values):.1f}'

    blocks = []
    for (family, init), members in groups(rows).items():
        lines = [f'**{group_title(family, init)}**', '',
                 '| labels/class | method | test top-1 (%) | val top-1 (%) |'
                 ' gap closed (test) | pseudo-label acc (%) |'
                 ' mask ratio (%) | wall (s) | seeds |',
                 '|---|---|---|---|---|---|---|---|---|']
        for lpc in labels_order({r['labels_per_class'] for r in members},
                                descending=True):
            group = [r for r in members if r['labels_per_class'] == lpc]
            mean_top1 = {
                m: statistics.mean(r['top1'] for r in group
                                   if r['method'] == m)
                for m in {r['method'] for r in group}
            }
            low = mean_top1.get('supervised')
            high = mean_top1.get('supervised_all')
            for method in CONFIGS:
                runs = [r for r in group if r['method'] == method]
                if not runs:
                    continue
                gap = '-'
                if low is not None and high is not None and high > low:
                    gap = f'{(mean_top1[method] - low) / (high - low):.2f}'
                wall = statistics.mean(r['wall_s'] for r in runs)
                seeds = ','.join(str(r['seed']) for r in runs)
                lines.append(
                    f'| {lpc} | {method} | '
                    f'{stat([r["top1"] for r in runs])} | '
                    f'{stat([r.get("val_top1") for r in runs])} | {gap} | '
                    f'{stat([r.get("pl_acc") for r in runs])} | '
                    f'{stat([r.get("mask_ratio") for r in runs])} | '
                    f'{wall:.0f} | {seeds} |')
        blocks.append('\n'.join(lines) + '\n')
    return '\n'.join(blocks)


def plot(rows, path, title=None):
    """Mean test top-1 per labels setting, bars = std over seeds. The PNG
    carries no date or version metadata, so a rebuild is byte-identical
    with the same matplotlib."""
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for method in CONFIGS:
        runs = [r for r in rows if r['method'] == method]
        xs = labels_order({r['labels_per_class'] for r in runs})
        if not xs:
            continue
        top1 = [[100 * r['top1'] for r in runs
                 if r['labels_per_class'] == x] for x in xs]
        ax.errorbar(xs, [statistics.mean(t) for t in top1],
                    yerr=[statistics.stdev(t) if len(t) > 1 else 0
                          for t in top1],
                    marker='o', capsize=3, label=method)
    ticks = sorted({r['labels_per_class'] for r in rows
                    if isinstance(r['labels_per_class'], int)})
    if ticks:
        ax.set_xscale('log')
        ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlabel('labels per class')
    ax.set_ylabel('test top-1 (%)')
    if title:
        ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120, metadata={'Software': None})
    plt.close(fig)
    return True


def write_report(root, rows=None):
    """``root/results.md``, ``results.csv`` and one plot per (family, init)
    from the records under ``root``; returns the table."""
    rows = read_records(root) if rows is None else rows
    with open(osp.join(root, 'results.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, FIELDS, lineterminator='\n')
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, '') for k in FIELDS})
    table = summarise(rows)
    with open(osp.join(root, 'results.md'), 'w') as f:
        f.write(table)
    for (family, init), members in groups(rows).items():
        plot(members, osp.join(
            root, f'top1_vs_labels_{group_slug(family, init)}.png'),
            group_title(family, init))
    return table


README_BLOCK = re.compile(
    r'(<!-- benchmark-results:begin[^\n]*-->\n)(.*?)'
    r'(<!-- benchmark-results:end -->)', re.S)


def update_readme(path, table):
    """Put ``table`` between the README's benchmark-results markers."""
    with open(path) as f:
        text = f.read()
    if not README_BLOCK.search(text):
        raise ValueError(f'{path}: no <!-- benchmark-results:begin --> ... '
                         '<!-- benchmark-results:end --> block')
    text = README_BLOCK.sub(lambda m: m[1] + table + m[3], text)
    with open(path, 'w') as f:
        f.write(text)


# ------------------------------------------------------------------ data
def custom_settings(parser, args):
    root = osp.abspath(args.data)
    files = {n: osp.join(root, f'{n}.txt')
             for n in ('labeled', 'unlabeled', 'val', 'test')}
    for name in ('labeled', 'unlabeled', 'val'):
        if not osp.isfile(files[name]):
            parser.error(f'--data: {files[name]} is missing')
    if not osp.isfile(files['test']):
        warnings.warn(f'--data: {files["test"]} is missing; the val split '
                      f'{files["val"]} is used as test too, so the reported '
                      'numbers are on the split settings were chosen on')
        files['test'] = files['val']
    # the upper bound trains on labeled + unlabeled lists with labels
    all_labels = osp.join(osp.abspath(args.out), 'all_labels.txt')
    with open(all_labels, 'w') as out:
        for name in ('labeled', 'unlabeled'):
            with open(files[name]) as f:
                out.writelines(f)
    data = dict(data_root=root, all_labels=all_labels,
                num_classes=count_classes(files['labeled'],
                                          files['unlabeled']), **files)
    return [('custom', seed, data) for seed in args.seeds]


def synthetic_settings(args, python):
    # one folder per preset: a long run never reads 16-frame videos
    root = osp.abspath(osp.join(args.out, f'synthetic-{args.family}' + (
        '' if args.preset == 'benchmark' else f'-{args.preset}')))
    if not osp.isfile(osp.join(root, 'test.txt')):
        subprocess.run([
            python, osp.join(REPO, 'tools', 'data', 'generate_synthetic.py'),
            root, '--family', args.family, '--preset', args.preset,
            '--labels-per-class'] + [str(k) for k in args.labels_per_class] +
            ['--split-seeds'] + [str(s) for s in args.seeds], check=True)
    num_classes = count_classes(osp.join(root, 'train.txt'))
    novel = list(range(num_classes - args.open_world, num_classes))
    from mmsemi_action.datasets.synthetic import PRESETS
    stride = PRESETS[args.preset]['num_frames'] // PRESETS['benchmark'][
        'num_frames'] if args.preset in PRESETS else 1
    settings = []
    for lpc in args.labels_per_class:
        for seed in args.seeds:
            tag = f'{lpc}pc' + ('_open-world' if novel else '')
            split = osp.join(root, 'splits', f'{tag}_seed{seed}')
            if not osp.isfile(osp.join(split, 'labeled.txt')):
                subprocess.run([
                    python, osp.join(REPO, 'tools', 'data',
                                     'make_semi_split.py'),
                    osp.join(root, 'train.txt'), '--out-dir',
                    osp.join(root, 'splits'), '--labels-per-class', str(lpc),
                    '--seeds', str(seed)] + ([
                        '--novel-classes', *map(str, novel), '--eval-lists',
                        *(osp.join(root, f'{n}.txt')
                          for n in ('train', 'val', 'test'))]
                                              if novel else []), check=True)
            # open world: evaluation and the upper bound on known classes
            lists = split if novel else root
            settings.append((lpc, seed, dict(
                data_root=root,
                labeled=osp.join(split, 'labeled.txt'),
                unlabeled=osp.join(split, 'unlabeled.txt'),
                val=osp.join(lists, 'val.txt'),
                test=osp.join(lists, 'test.txt'),
                num_classes=num_classes - len(novel),
                all_labels=osp.join(lists, 'train.txt'),
                **(dict(open_world=True) if novel else {}),
                **(dict(time_stride=stride) if stride > 1 else {}))))
    return settings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--family', choices=['coarse', 'fine'],
                        default='coarse')
    parser.add_argument('--labels-per-class', type=int, nargs='+',
                        default=[10])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--methods', nargs='+', choices=list(CONFIGS),
                        help='default: every method (TimeBalance\'s only '
                        'with --preset long)')
    parser.add_argument('--iters', type=int, default=2000)
    parser.add_argument('--quick', action='store_true',
                        help='one seed, one labels setting, 300 iterations')
    parser.add_argument('--data', help='DIR with labeled.txt, unlabeled.txt, '
                        'val.txt and test.txt (relative video paths)')
    parser.add_argument('--preset', default='benchmark',
                        help='synthetic size preset (the family is called '
                        '<family>-<preset> in tables unless "benchmark")')
    parser.add_argument('--open-world', type=int, default=0, metavar='N',
                        help='the last N classes get no labeled video; '
                        'their videos stay in the unlabeled set (FinePseudo, '
                        'Table 4); heads, val and test cover the known '
                        'classes (family <family>-open-world)')
    parser.add_argument('--init', choices=['scratch', 'ssl'],
                        default='scratch',
                        help='ssl: every method starts from TimeBalance\'s '
                        'self-supervised f_D backbone (stage 1, trained once '
                        'per data set on every training video; '
                        'needs 64-frame room: --preset long)')
    parser.add_argument('--ssl-per-seed', action='store_true',
                        help='TimeBalance\'s stage 1 once per split seed '
                        '(trained with that seed) instead of once per data '
                        'set (seed 0, shared by every split)')
    parser.add_argument('--out', help='the sweep\'s directory')
    parser.add_argument('--report', metavar='DIR',
                        help='only rebuild DIR/results.md, results.csv and '
                        'the plots from DIR/*/records/*.json (no training)')
    parser.add_argument('--reuse', metavar='RECORDS',
                        help='a directory of committed records (e.g. '
                        'docs/benchmark/coarse/records): a run whose record '
                        'there has the same cache key is not rerun, so a '
                        'sweep continues on a fresh checkout; TimeBalance\'s '
                        'stage-1 weights committed in RECORDS/../ssl/<key>/ '
                        '(or a sibling sweep\'s RECORDS/../../*/ssl/<key>/) '
                        'are restored instead of retrained')
    parser.add_argument('--readme', metavar='README.md',
                        help='with --report: also put the tables into this '
                        'file\'s benchmark-results block')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        metavar='KEY=VALUE',
                        help='extra config overrides for every run (e.g. an '
                        'ablation; use a separate --out)')
    parser.add_argument('--method-cfg-options', nargs='+', default=[],
                        metavar='KEY=VALUE',
                        help='overrides for the method\'s own run only, not '
                        'the self-supervised runs it starts from (e.g. '
                        'FinePseudo\'s custom_hooks.0.threshold=0.95, which '
                        'f_A\'s pretraining config lacks); not for '
                        'TimeBalance (its stages take theirs through '
                        'tools/timebalance/train.py)')
    args = parser.parse_args(argv)
    if args.report:
        table = write_report(args.report)
        if args.readme:
            update_readme(args.readme, table)
        print(table)
        return
    if not args.out:
        parser.error('--out is required (or --report DIR)')
    if args.quick:
        args.seeds, args.iters = args.seeds[:1], 300
        args.labels_per_class = args.labels_per_class[:1]
    if args.methods is None:
        args.methods = [m for m in CONFIGS if m not in VARIANT_OPTIONS and (
            m not in TIMEBALANCE or args.preset == 'long')]
    needs_ssl = args.init == 'ssl' or set(args.methods) & set(TIMEBALANCE)
    if needs_ssl and not args.data and args.preset != 'long':
        parser.error(
            f'--init ssl and {sorted(TIMEBALANCE)} need --preset long: the '
            'stage-1 clips (n = 4 clips of 8 frames and the 64-frame clip '
            f'spanning them) do not fit the {args.preset!r} preset\'s '
            'videos')
    if args.method_cfg_options and set(args.methods) & set(TIMEBALANCE):
        parser.error('--method-cfg-options: not for '
                     f'{sorted(set(args.methods) & set(TIMEBALANCE))} (their '
                     'stages run through tools/timebalance/train.py; use '
                     '--cfg-options)')
    os.makedirs(args.out, exist_ok=True)
    python = sys.executable
    family = 'custom' if args.data else args.family
    if not args.data and args.preset != 'benchmark':
        family = f'{family}-{args.preset}'
    if args.open_world:
        if args.data:
            parser.error('--open-world splits a synthetic set (not --data)')
        family += '-open-world'
    settings = (custom_settings(parser, args) if args.data else
                synthetic_settings(args, python))
    if set(args.methods) & set(TIMEBALANCE) and \
            settings[0][2]['num_classes'] != 8:
        parser.error(f'{sorted(TIMEBALANCE)}: the stage configs have 8 '
                     'classes (the synthetic sets); give them your class '
                     'count in configs/timebalance/ first')
    for lpc, seed, data in settings:
        init = None
        ssl_seed = seed if args.ssl_per_seed else SSL_SEED
        for method in args.methods:
            print(f'== {method} labels/class={lpc} seed={seed}', flush=True)
            if args.init == 'ssl' and method not in TIMEBALANCE:
                init = ssl_init(python, method, data, args.iters,
                                args.out, args.cfg_options, args.reuse,
                                family, ssl_seed)
            # TimeBalance's student starts from f_D's stage 1 by itself
            row = run_one(method, lpc, seed, data, args.iters, args.out,
                          python, args.cfg_options,
                          init=None if method in TIMEBALANCE else init,
                          family=family, reuse=args.reuse,
                          ssl_seed=ssl_seed,
                          method_extra=args.method_cfg_options)
            print(f'   test top1={row["top1"]:.4f} '
                  f'val top1={row["val_top1"]:.4f}', flush=True)
    # the table covers every record in OUT, also those of methods,
    # settings or seeds not asked for this time
    print(write_report(args.out))


if __name__ == '__main__':
    main()
