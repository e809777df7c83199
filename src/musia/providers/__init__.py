"""The AI provider gateway: vendors and their models described as data (spec, presets),
requests built from templates that keep JSON types (templating), answers read by paths
(paths), and one HTTP client with retries, backoff and masked logs (client, http, download).

No web framework or database here: the service stores providers and models and calls
`ProviderClient.run_generation` from its job handlers."""

from musia.providers.answers import GenerationResult
from musia.providers.client import ProviderClient, StatusEvent, run_generation
from musia.providers.download import StoredFile, download_results, store_content
from musia.providers.http import RetryPolicy, Timeouts
from musia.providers.registry import Preset, load_presets, preset
from musia.providers.spec import Auth, ModelSpec, ModelType, ParamField, Provider, Status

__all__ = [
    "Auth",
    "GenerationResult",
    "ModelSpec",
    "ModelType",
    "ParamField",
    "Preset",
    "Provider",
    "ProviderClient",
    "RetryPolicy",
    "Status",
    "StatusEvent",
    "StoredFile",
    "Timeouts",
    "download_results",
    "load_presets",
    "preset",
    "run_generation",
    "store_content",
]
