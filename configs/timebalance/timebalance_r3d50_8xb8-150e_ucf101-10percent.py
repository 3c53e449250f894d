# TimeBalance stage 3 at the paper's settings: the Slow-R50
# (configs/_base_/models/r3d50.py) student from f_D's stage-1 backbone
# (load_from), distilled from the two fine-tuned teachers (same architecture)
# with TSTR reweighting (Eq. 7) and the L2 distance (Eq. 8) on labeled and
# unlabeled 8-frame clips, omega = 1, CE on labels, 150 epochs of Adam with
# warm-up and plateau halving, 8 GPUs x (4 labeled + 4 unlabeled) clips (the
# paper gives no batch); test 10 x 3 views. UCF101 10% labels. Paths of the
# teachers, the scores and the stage-1 backbone are set by
# tools/timebalance/train.py. Paper top-1: R3D-50 1/5/10/20/50% = 30.1 / 53.5 /
# 81.1 / 83.3 / 85.0.
_base_ = [
    '../_base_/models/r3d50.py', '../_base_/semi/timebalance.py',
    '../_base_/datasets/timebalance_ucf101.py',
    '../_base_/schedules/timebalance_adam-plateau.py',
    '../_base_/default_runtime.py'
]
recognizer = dict(
    _base_.model,
    cls_head=dict(_base_.model['cls_head'], num_classes=_base_.num_classes))
model = dict(_base_.student_model, _delete_=True, recognizer=recognizer)
split_dir = f'{_base_.data_root}/semi/videossl_10pct'
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
# checkpoints every 5 epochs (converted to iterations by the loop)
default_hooks = dict(checkpoint=dict(interval=5, by_epoch=True))
