/* prep.c — the benchmark's data preparation: reads a STIX bundle (plain JSON)
 * and writes each of its objects as one line of compact JSON, the bytes jicd
 * stores (jansson, JSON_COMPACT, key order kept). Owns nothing else; it does
 * not talk to jicd or SQLite and never touches the data it reads.
 *
 * usage: bench_prep BUNDLE.json OUT.ndjson */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Compact JSON escapes control characters, so a serialised object never holds
 * a raw newline and one line per object is a safe framing. */
static int write_objects(json_t *objs, FILE *out)
{
	size_t i;
	json_t *o;

	json_array_foreach(objs, i, o) {
		char *s = json_dumps(o, JSON_COMPACT);

		if (!s || strchr(s, '\n')) {
			free(s);
			fprintf(stderr, "bench_prep: object %zu cannot be serialised\n", i);
			return -1;
		}
		fputs(s, out);
		fputc('\n', out);
		free(s);
	}
	return 0;
}

int main(int argc, char **argv)
{
	json_error_t err;
	json_t *bundle = NULL;
	json_t *objs;
	FILE *out = NULL;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_prep BUNDLE.json OUT.ndjson\n");
		goto out;
	}
	bundle = json_load_file(argv[1], 0, &err);
	if (!bundle) {
		fprintf(stderr, "bench_prep: %s:%d: %s\n", argv[1], err.line, err.text);
		goto out;
	}
	objs = json_object_get(bundle, "objects");
	if (!json_is_array(objs)) {
		fprintf(stderr, "bench_prep: %s has no objects array\n", argv[1]);
		goto out;
	}
	out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		goto out;
	}
	if (write_objects(objs, out) != 0)
		goto out;
	printf("%zu\n", json_array_size(objs));
	rc = 0;
out:
	if (out && fclose(out) != 0) {
		perror(argv[2]);
		rc = 1;
	}
	json_decref(bundle);
	return rc;
}
