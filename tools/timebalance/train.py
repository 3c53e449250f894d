"""TimeBalance end to end, each stage's output feeding the next by path:

1. the self-supervised teachers f_I and f_D on every training video;
2. their backbones fine-tuned on the labeled set (cross-entropy);
3. the temporal similarity score of every training video (stage-1 models);
4. the student, from f_D's stage-1 backbone, distilled from the fine-tuned
   teachers with TSTR.

    python tools/timebalance/train.py --work-dir work_dirs/timebalance \
        [--data data/synthetic-long] [--iters N] [--cfg-options K=V ...]

Every run goes through MMAction2's ``tools/train.py`` (this repository's,
with the plugin imported) into ``WORK_DIR/<stage>``. A finished stage (its
``DONE`` file) is skipped on a rerun; an interrupted one resumes from its
last checkpoint. ``--data`` points every stage at another data set (the
layout of ``generate_synthetic.py``), ``--iters`` sets every stage's
iterations, ``--cfg-options`` applies to every training run.
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


def semi_data(root: str) -> list:
    """cfg-options of a config with ``SemiDataset`` training data."""
    opts = [f'train_dataloader.dataset.{s}.{k}={v}'
            for s in ('labeled', 'unlabeled')
            for k, v in (('ann_file', f'{root}/{s}.txt'),
                         ('data_prefix.video', root))]
    return opts + val_data(root)


def val_data(root: str) -> list:
    return [f'{split}_dataloader.dataset.{k}={v}'
            for split in ('val', 'test')
            for k, v in (('ann_file', f'{root}/val.txt'),
                         ('data_prefix.video', root))]


def last_checkpoint(work_dir: str) -> str:
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def train(name: str, config: str, work: str, options: list) -> str:
    """Train ``config`` into ``work/name`` unless done; resume an
    interrupted run. Returns the work dir."""
    work_dir = osp.join(work, name)
    done = osp.join(work_dir, 'DONE')
    if osp.isfile(done):
        print(f'[{name}] done, skipped', flush=True)
        return work_dir
    cmd = [sys.executable, osp.join(REPO, 'tools', 'train.py'), config,
           '--work-dir', work_dir]
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
    parser.add_argument('--iters', type=int,
                        help='iterations of every training run')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='KEY=VALUE applied to every training run')
    args = parser.parse_args(argv)
    work = osp.abspath(args.work_dir)
    os.makedirs(work, exist_ok=True)
    common = list(args.cfg_options)
    if args.iters:
        common.append(f'train_cfg.max_iters={args.iters}')

    ssl_data = [o for o in semi_data(args.data) if 'train_' in o] \
        if args.data else []
    ssl = {}
    for obj, config in SSL.items():
        ssl[obj] = last_checkpoint(
            train(f'ssl_{obj}', config, work, common + ssl_data))

    teacher_data = [f'train_dataloader.dataset.{k}={v}' for k, v in (
        ('ann_file', f'{args.data}/labeled.txt'),
        ('data_prefix.video', args.data))] + val_data(args.data) \
        if args.data else []
    teachers = {}
    for obj in SSL:
        backbone = osp.join(work, f'ssl_{obj}', 'backbone.pth')
        tool('ssl_to_recognizer.py', ssl[obj], backbone)
        teachers[obj] = last_checkpoint(
            train(f'teacher_{obj}', TEACHER, work,
                  common + teacher_data + [f'load_from={backbone}']))

    scores = osp.join(work, 'scores.json')
    score_args = [SSL['invariant'], ssl['invariant'], SSL['distinctive'],
                  ssl['distinctive'], '--out', scores]
    if ssl_data:
        score_args += ['--cfg-options'] + ssl_data
    tool('score_videos.py', *score_args)

    student_init = osp.join(work, 'ssl_distinctive', 'student_backbone.pth')
    tool('ssl_to_recognizer.py', ssl['distinctive'], student_init,
         '--prefix', 'student.')
    student_data = semi_data(args.data) if args.data else []
    student = train('student', STUDENT, work, common + student_data + [
        f'load_from={student_init}',
        f'model.teacher_checkpoints.invariant={teachers["invariant"]}',
        f'model.teacher_checkpoints.distinctive={teachers["distinctive"]}',
        f'train_dataloader.dataset.labeled.score_file={scores}',
        f'train_dataloader.dataset.unlabeled.score_file={scores}'
    ])
    print(f'student: {last_checkpoint(student)}')


if __name__ == '__main__':
    main()
