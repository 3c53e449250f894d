# FineDiving (52 action types; each instance's frames written as
# videos/<video>/<instance>.mp4) for FinePseudo: data/finediving/videos/;
# splits from the published lists (3 seeds; the leaf configs pick
# 5/10/20%):
#   python tools/data/make_semi_split.py \
#       Annotations/FineDiving_fine-grained_annotation.pkl \
#       --format finediving --split-file Annotations/train_split.pkl \
#       --video-ext .mp4 \
#       --percent 10 --seeds 0 1 2 --out-dir data/finediving/semi
#   python tools/data/make_semi_split.py \
#       Annotations/FineDiving_fine-grained_annotation.pkl \
#       --format finediving --split-file Annotations/test_split.pkl \
#       --video-ext .mp4 \
#       --convert-only --out-dir data/finediving/semi  (the test list)
_base_ = './finepseudo_fine-grained.py'
data_root = 'data/finediving'
split_dir = f'{data_root}/semi/10pct_seed0'
num_classes = 52
videos = f'{data_root}/videos'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(
            ann_file=f'{split_dir}/labeled.txt',
            data_prefix=dict(video=videos),
            num_classes=num_classes),
        unlabeled=dict(
            ann_file=f'{split_dir}/unlabeled.txt',
            data_prefix=dict(video=videos),
            num_classes=num_classes)))
val_dataloader = dict(
    dataset=dict(
        ann_file=f'{data_root}/semi/FineDiving_fine-grained_annotation.pkl',
        data_prefix=dict(video=videos),
        num_classes=num_classes))
test_dataloader = val_dataloader
