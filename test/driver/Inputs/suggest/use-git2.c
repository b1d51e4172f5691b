#include <git2.h>

int head(const char *path) {
  git_repository *repo;
  if (git_repository_open(&repo, path) != 0)
    return -1;
  git_reference *ref;
  if (git_repository_head(&ref, repo) != 0)
    return -2;
  git_reference_free(ref);
  git_repository_free(repo);
  return 0;
}
