"""``mx.mod``: MXNet 1.9.1's symbolic Module API on mxjax's Symbol and Executor."""
from .base_module import BaseModule
from .bucketing_module import BucketingModule
from .executor_group import DataParallelExecutorGroup
from .module import Module
from .sequential_module import SequentialModule

from ..base import missing_api as _missing_api

__all__ = ["BaseModule", "Module", "BucketingModule", "SequentialModule", "DataParallelExecutorGroup"]

__getattr__ = _missing_api(__name__)
