"""Where each network's recognizer config lives in a semi-supervised
``model`` config."""
from mmengine.config import Config, ConfigDict

#: ``recognizer`` (student/teacher built from one config) or the
#: co-training methods' ``primary`` / ``auxiliary`` (CMPL, LTG)
NETWORK_CONFIG_KEYS = dict(
    student=('recognizer', 'primary'),
    teacher=('recognizer', ),
    auxiliary=('auxiliary', ),
    # TimeBalance's fine-tuned teachers (default: the student's config)
    teacher_invariant=('teacher_invariant', 'recognizer'),
    teacher_distinctive=('teacher_distinctive', 'recognizer'))


def network_config(cfg: Config, network: str) -> ConfigDict:
    """The recognizer config of ``network`` (``student``, ``teacher`` or
    ``auxiliary``) in a semi-supervised config."""
    for key in NETWORK_CONFIG_KEYS[network]:
        if cfg.model.get(key) is not None:
            return cfg.model[key]
    raise ValueError(
        f'{cfg.filename}: model has none of '
        f'{list(NETWORK_CONFIG_KEYS[network])} for network {network!r}; is '
        'it a mmsemi_action semi-supervised config?')
