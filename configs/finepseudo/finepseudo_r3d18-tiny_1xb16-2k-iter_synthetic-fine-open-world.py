# Open world (FinePseudo, Table 4) on synthetic-fine: classes 6 and 7 have
# no labeled video and their videos stay in the unlabeled set; f_E has 6
# classes and is evaluated on them. The split (known classes first, lists
# of the known classes for val and test):
#   python tools/data/make_semi_split.py data/synthetic-fine/train.txt \
#       --labels-per-class 10 --novel-classes 6 7 --eval-lists \
#       data/synthetic-fine/val.txt data/synthetic-fine/test.txt \
#       --out-dir data/synthetic-fine/splits
_base_ = './finepseudo_r3d18-tiny_1xb16-2k-iter_synthetic-fine.py'
split = 'data/synthetic-fine/splits/10pc_open-world_seed0'
num_known = 6
model = dict(recognizer=dict(cls_head=dict(num_classes=num_known)))
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split}/labeled.txt', num_classes=num_known),
        # novel-class labels stay in the list for the logged counts only
        unlabeled=dict(ann_file=f'{split}/unlabeled.txt', num_classes=None)))
val_dataloader = dict(
    dataset=dict(ann_file=f'{split}/val.txt', num_classes=num_known))
test_dataloader = dict(
    dataset=dict(ann_file=f'{split}/test.txt', num_classes=num_known))
custom_hooks = [
    dict(_base_.custom_hooks[0],
         min_alignability=_base_.open_world_min_alignability)
]
