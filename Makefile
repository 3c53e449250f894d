# mmsemi_action: install, demo and test in a local virtual environment.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
DATA := data/synthetic-coarse

.PHONY: install demo test benchmark clean

install: $(STAMP)

# torch/torchvision come from the machine's local wheels. openmim is
# installed last and without its pins (setuptools 60, old requests/rich/tqdm
# through opendatalab, which `mim train` does not use) so that torch,
# mmengine and pkg_resources keep working; its other dependencies are
# installed first, so that no later pip call reports the missing pins.
$(STAMP): setup.py requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q 'torch==2.14.1' 'torchvision==0.29.1'
	$(PIP) install -q -r requirements.txt 'mmcv-lite>=2.1.0,<2.2.0'
	$(PIP) install -q click colorama model-index pandas requests rich tabulate
	$(PIP) install -q pytest scikit-learn tslearn
	$(PIP) install -q --no-deps 'openmim==0.3.9'
	@echo "openmim 0.3.9 installed without its pins (opendatalab, setuptools 60): mim train/test need neither"
	$(PIP) install -q --no-deps -e .
	$(PY) -c "import mmsemi_action, mmaction.models, mim, torch; print('installed: torch', torch.__version__)"
	touch $(STAMP)

demo: install
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH bash tools/demo.sh

test: install
	$(PY) -m pytest -q tests

benchmark: install
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(PY) tools/benchmark/semi_benchmark.py --out work_dirs/benchmark

clean:
	rm -rf $(VENV) work_dirs
