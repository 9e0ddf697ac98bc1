"""The database cache, for sites without Redis, made to keep pages up when the database
cannot be written (read-only replica promoted late, disk full, a read-only mount).

Django's DatabaseCache deletes expired entries while reading and culls while writing; on a
database that refuses writes each of those raised, and every page that touched the cache
answered 500. Here a cache write that fails is a miss that is logged: reading pages keep
working from what the database can read, and writes elsewhere get their own clear 503
(blog.middleware). Each write runs in its own savepoint, so a refused write never breaks
the request's transaction on PostgreSQL."""

import logging

from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, router, transaction

logger = logging.getLogger(__name__)


class ResilientDatabaseCache(DatabaseCache):
    def _base_set(self, mode, key, value, timeout=None):
        return self._or_false(super()._base_set, mode, key, value, timeout)

    def _base_delete_many(self, keys):
        if not keys:
            # Every read asks to delete the expired entries it met, mostly none: no
            # transaction for nothing (two queries less on each cached page).
            return False
        return self._or_false(super()._base_delete_many, keys)

    def _or_false(self, write, *args):
        try:
            with transaction.atomic(using=router.db_for_write(self.cache_model_class)):
                return write(*args)
        except DatabaseError as error:
            logger.warning("The cache could not be written: %s", error)
            return False
