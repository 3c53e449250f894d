# LTG's two streams: the CPU-sized R3D-18 on RGB and the same architecture
# on temporal gradients (its own data preprocessor).
_base_ = ['./r3d18-tiny.py', '../semi/ltg.py']
model = dict(
    _base_.semi_model,
    _delete_=True,
    primary=_base_.model,
    auxiliary=dict(
        _base_.model, data_preprocessor=_base_.tg_data_preprocessor))
