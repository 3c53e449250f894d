# TimeBalance: a teacher fine-tuned on the labeled set with cross-entropy
# (Sec. 3.1, end), from its stage-1 backbone: the supervised-only config on
# synthetic-long, run with
#   load_from=<tools/timebalance/ssl_to_recognizer.py output>
# (tools/timebalance/train.py does it for both teachers).
_base_ = ('../supervised/'
          'supervised_r3d18-tiny_1xb8-2k-iter_synthetic-coarse-labeled.py')
data_root = 'data/synthetic-long'
train_dataloader = dict(
    dataset=dict(ann_file=f'{data_root}/labeled.txt',
                 data_prefix=dict(video=data_root)))
val_dataloader = dict(
    dataset=dict(ann_file=f'{data_root}/val.txt',
                 data_prefix=dict(video=data_root)))
test_dataloader = dict(
    dataset=dict(ann_file=f'{data_root}/test.txt',
                 data_prefix=dict(video=data_root)))
