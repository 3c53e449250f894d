"""TimeBalance end to end, each stage's output feeding the next by path:

1. the self-supervised teachers f_D and f_I on every training video
   (``ssl_distinctive``, ``ssl_invariant``);
2. their backbones fine-tuned on the labeled set with cross-entropy
   (``teacher_distinctive``, ``teacher_invariant``);
3. the temporal similarity score of every training video from the stage-1
   models (``scores.json``);
4. the student, from f_D's stage-1 backbone, distilled from the fine-tuned
   teachers with TSTR (``student``).

    python tools/timebalance/train.py --work-dir work_dirs/timebalance \
        [--data data/synthetic-long] [--split DIR] [--seed N] [--iters N] \
        [--ssl-seed N] \
        [--cfg-options K=V ...] [--student-cfg-options K=V ...]
    # the paper's settings, e.g. UCF101 10% with R3D-50 (paths in configs)
    C=configs/timebalance/timebalance; S=r3d50_8xb4-250e_ucf101
    python tools/timebalance/train.py --work-dir work_dirs/tb_ucf101-10 \
        --ssl-configs $C-ssl-{distinctive,invariant}_$S.py \
        --teacher-config $C-teacher_r3d50_8xb8-100e_ucf101-10percent.py \
        --student-config ${C}_r3d50_8xb8-150e_ucf101-10percent.py

Every run goes through MMAction2's ``tools/train.py`` (this repository's,
with the plugin imported) into ``WORK_DIR/<stage>``. A finished stage (its
``DONE`` file) is skipped on a rerun; an interrupted one resumes from its
last checkpoint. ``--data`` points every stage at another data set (the
layout of ``generate_synthetic.py``: ``labeled.txt``, ``unlabeled.txt``,
``val.txt``, ``test.txt`` and the videos under it) and ``--split DIR`` takes
the labeled / unlabeled lists from DIR instead; ``--iters`` sets every
stage's iterations, ``--cfg-options`` applies to every training run,
``--student-cfg-options`` to the student only (e.g. the plain-average
ablation ``model.semi_train_cfg.reweighting=False``).

Sharing stages between runs (``semi_benchmark.py`` does): the stage-1 runs
need no labels, so ``--ssl-work-dir DIR --ssl-ann FILE`` trains them once on
every video of FILE (e.g. ``train.txt``) into DIR and any split reuses
them; ``--student-work-dir`` puts the student elsewhere (an ablation next to
the full method, same teachers); ``--stop-after STAGE`` ends the pipeline
there (``ssl_distinctive``: only the checkpoint every method can start
from).
"""
import argparse
import os
import os.path as osp
import subprocess
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(REPO, 'configs', 'timebalance')
SSL = {
    obj: osp.join(CONFIGS, f'timebalance-ssl-{obj}_r3d18-tiny_1xb8-2k-iter_'
                  'synthetic-long.py')
    for obj in ('invariant', 'distinctive')
}
TEACHER = osp.join(CONFIGS,
                   'timebalance-teacher_r3d18-tiny_1xb8-2k-iter_'
                   'synthetic-long.py')
STUDENT = osp.join(CONFIGS,
                   'timebalance_r3d18-tiny_1xb16-2k-iter_synthetic-long.py')


STAGES = ('ssl_distinctive', 'ssl_invariant', 'teacher_distinctive',
          'teacher_invariant', 'scores', 'student')


def semi_data(root: str, lists: dict) -> list:
    """cfg-options of a config with ``SemiDataset`` training data:
    ``lists`` gives the ``labeled`` and ``unlabeled`` annotation files."""
    opts = [f'train_dataloader.dataset.{s}.{k}={v}'
            for s in ('labeled', 'unlabeled')
            for k, v in (('ann_file', lists[s]),
                         ('data_prefix.video', root))]
    return opts + eval_data(root)


def ssl_data(config: str, root: str, lists: dict, ann=None) -> list:
    """cfg-options pointing the stage-1 ``config`` at the data under
    ``root``: a ``SemiDataset`` reads ``lists`` (or ``ann`` as both of its
    sources); a config on one training list (the paper-scale ones) reads
    ``ann``."""
    from mmengine.config import Config
    dataset = Config.fromfile(config).train_dataloader.dataset
    if dataset.get('type') == 'SemiDataset':
        both = dict(labeled=ann, unlabeled=ann) if ann else lists
        return [o for o in semi_data(root, both) if 'train_' in o]
    if not ann:
        raise ValueError(
            f'{config} trains on one list (train_dataloader.dataset.'
            'ann_file), not on labeled + unlabeled: give --ssl-ann FILE')
    return [f'train_dataloader.dataset.ann_file={ann}',
            f'train_dataloader.dataset.data_prefix.video={root}']


def eval_data(root: str) -> list:
    return [f'{split}_dataloader.dataset.{k}={v}'
            for split in ('val', 'test')
            for k, v in (('ann_file', f'{root}/{split}.txt'),
                         ('data_prefix.video', root))]


def last_checkpoint(work_dir: str) -> str:
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def train(name: str, config: str, work: str, options: list,
          seed=None) -> str:
    """Train ``config`` into ``work/name`` unless done; resume an
    interrupted run. Returns the work dir."""
    work_dir = osp.join(work, name)
    done = osp.join(work_dir, 'DONE')
    if osp.isfile(done):
        print(f'[{name}] done, skipped', flush=True)
        return work_dir
    cmd = [sys.executable, osp.join(REPO, 'tools', 'train.py'), config,
           '--work-dir', work_dir]
    if seed is not None:
        cmd += ['--seed', str(seed)]
    if osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        # the run's own last checkpoint, not its starting weights
        cmd.append('--resume')
        options = [o for o in options if not o.startswith('load_from=')]
    if options:
        cmd += ['--cfg-options'] + options
    print(f'[{name}] ' + ' '.join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=REPO)
    open(done, 'w').close()
    return work_dir


def tool(script: str, *args: str) -> None:
    subprocess.run([sys.executable,
                    osp.join(REPO, 'tools', 'timebalance', script)] +
                   list(args), check=True, cwd=REPO)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--data', help='data set root (default: configs)')
    parser.add_argument('--split', help='DIR with the labeled.txt and '
                        'unlabeled.txt to use (default: --data)')
    parser.add_argument('--seed', type=int, help='seed of every run')
    parser.add_argument('--ssl-seed', type=int,
                        help='seed of the stage-1 runs (default: --seed); '
                        'runs sharing --ssl-work-dir should give the same')
    parser.add_argument('--iters', type=int,
                        help='iterations of every training run')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='KEY=VALUE applied to every training run')
    parser.add_argument('--student-cfg-options', nargs='+', default=[],
                        help='KEY=VALUE applied to the student only')
    parser.add_argument('--ssl-work-dir',
                        help='where the stage-1 runs live (default: '
                        '--work-dir); shared by runs that give the same')
    parser.add_argument('--ssl-ann', help='annotation list of every video '
                        'the stage-1 runs read (default: the labeled and '
                        'unlabeled lists)')
    parser.add_argument('--student-work-dir',
                        help='the student\'s work dir (default: '
                        'WORK_DIR/student)')
    parser.add_argument('--stop-after', choices=STAGES, default='student')
    parser.add_argument('--ssl-configs', nargs=2, metavar=('F_D', 'F_I'),
                        help='stage-1 configs (default: the synthetic-long '
                        'ones), e.g. configs/timebalance/timebalance-ssl-'
                        '{distinctive,invariant}_r3d50_8xb4-250e_ucf101.py')
    parser.add_argument('--teacher-config', default=TEACHER)
    parser.add_argument('--student-config', default=STUDENT)
    args = parser.parse_args(argv)
    ssl_configs = dict(zip(('distinctive', 'invariant'), map(
        osp.abspath, args.ssl_configs))) if args.ssl_configs else SSL
    if (args.split or args.ssl_ann) and not args.data:
        parser.error('--split and --ssl-ann need --data')
    work = osp.abspath(args.work_dir)
    ssl_work = osp.abspath(args.ssl_work_dir or work)
    os.makedirs(work, exist_ok=True)
    common = list(args.cfg_options)
    if args.iters:
        common.append(f'train_cfg.max_iters={args.iters}')
    lists = None
    if args.data:
        split = args.split or args.data
        lists = {s: f'{split}/{s}.txt' for s in ('labeled', 'unlabeled')}

    def stop(stage):
        return STAGES.index(stage) >= STAGES.index(args.stop_after)

    ssl = {}
    for obj in ('distinctive', 'invariant'):
        data = ssl_data(ssl_configs[obj], args.data, lists,
                        args.ssl_ann) if args.data else []
        ssl[obj] = last_checkpoint(
            train(f'ssl_{obj}', ssl_configs[obj], ssl_work, common + data,
                  args.seed if args.ssl_seed is None else args.ssl_seed))
        if stop(f'ssl_{obj}'):
            return

    teacher_data = [f'train_dataloader.dataset.{k}={v}' for k, v in (
        ('ann_file', lists['labeled']),
        ('data_prefix.video', args.data))] + eval_data(args.data) \
        if args.data else []
    teachers = {}
    for obj in ('distinctive', 'invariant'):
        backbone = osp.join(work, f'teacher_{obj}_init.pth')
        tool('ssl_to_recognizer.py', ssl[obj], backbone)
        teachers[obj] = last_checkpoint(
            train(f'teacher_{obj}', args.teacher_config, work,
                  common + teacher_data + [f'load_from={backbone}'],
                  args.seed))
        if stop(f'teacher_{obj}'):
            return

    scores = osp.join(work, 'scores.json')
    score_args = [ssl_configs['invariant'], ssl['invariant'],
                  ssl_configs['distinctive'], ssl['distinctive'], '--out',
                  scores]
    if args.data:  # every video of the split (the resumable file skips
        # those already scored)
        score_args += ['--cfg-options'] + [
            o for o in semi_data(args.data, lists) if 'train_' in o]
    tool('score_videos.py', *score_args)
    if stop('scores'):
        return

    student_init = osp.join(work, 'student_init.pth')
    tool('ssl_to_recognizer.py', ssl['distinctive'], student_init,
         '--prefix', 'student.')
    student_data = semi_data(args.data, lists) if args.data else []
    student_dir = osp.abspath(args.student_work_dir or
                              osp.join(work, 'student'))
    student = train(
        osp.basename(student_dir), args.student_config,
        osp.dirname(student_dir),
        common + student_data + [
            f'load_from={student_init}',
            f'model.teacher_checkpoints.invariant={teachers["invariant"]}',
            'model.teacher_checkpoints.distinctive='
            f'{teachers["distinctive"]}',
            f'train_dataloader.dataset.labeled.score_file={scores}',
            f'train_dataloader.dataset.unlabeled.score_file={scores}'
        ] + list(args.student_cfg_options), args.seed)
    print(f'student: {last_checkpoint(student)}')


if __name__ == '__main__':
    main()
