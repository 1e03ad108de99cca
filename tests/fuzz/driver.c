/* SPDX-License-Identifier: ISC */
/*
 * A main() for the fuzz harnesses when they are not built with libFuzzer:
 * each argument is a file, or a directory whose regular files are read
 * (not recursively); each input goes once through LLVMFuzzerTestOneInput.
 * Arguments starting with '-' are libFuzzer options and are ignored, so the
 * same command line works for both builds.  Exits 0 when every input ran,
 * 1 when an argument could not be read; a bug in a harness crashes it.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	driver_file(const char *);
static int	driver_dir(const char *);

static size_t	driver_inputs;

static int
driver_file(const char *path)
{
	FILE		*f;
	uint8_t		*buf = NULL, *exact;
	size_t		 len = 0, alloc = 0, n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return (-1);
	}
	for (;;) {
		if (len == alloc) {
			alloc = alloc == 0 ? 65536 : alloc * 2;
			if ((buf = realloc(buf, alloc)) == NULL) {
				fprintf(stderr, "%s: out of memory\n", path);
				exit(1);
			}
		}
		n = fread(buf + len, 1, alloc - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		fclose(f);
		free(buf);
		return (-1);
	}
	fclose(f);
	/* Shrink to the exact size so ASan sees any overread. */
	if ((exact = realloc(buf, len == 0 ? 1 : len)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", path);
		exit(1);
	}
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	driver_inputs++;
	return (0);
}

static int
driver_dir(const char *path)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*file;
	size_t		 len;
	int		 rv = 0;

	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		len = strlen(path) + strlen(de->d_name) + 2;
		if ((file = malloc(len)) == NULL) {
			fprintf(stderr, "%s: out of memory\n", path);
			exit(1);
		}
		snprintf(file, len, "%s/%s", path, de->d_name);
		if (stat(file, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    driver_file(file) != 0)
			rv = -1;
		free(file);
	}
	closedir(d);
	return (rv);
}

int
main(int argc, char **argv)
{
	struct stat	 sb;
	int		 i, rv = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			rv = 1;
		} else if (S_ISDIR(sb.st_mode)) {
			if (driver_dir(argv[i]) != 0)
				rv = 1;
		} else if (driver_file(argv[i]) != 0)
			rv = 1;
	}
	fprintf(stderr, "%s: %zu inputs\n", argv[0], driver_inputs);
	return (rv);
}
