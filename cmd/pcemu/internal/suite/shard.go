package suite

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one share of a suite spread over Count machines: `--shard K/N`
// takes the scripts whose key hashes to K-1 modulo N. The hash is FNV-1a
// (64 bits) of the script's key, a fixed function of the name alone, so
// every machine of a CI matrix computes the same partition without talking
// to the others: each script is in exactly one shard, whatever machine,
// order or arguments found it. Counting K from 1 follows GitLab's
// CI_NODE_INDEX; Buildkite's BUILDKITE_PARALLEL_JOB counts from 0 (add 1).
type Shard struct {
	Index int // 1..Count
	Count int // 0: the whole suite
}

// ParseShard reads "K/N" with 1 <= K <= N.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	ki, err1 := strconv.Atoi(k)
	ni, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("--shard %s: want K/N, the K-th of N shares (1/4, 2/4, ...)", s)
	}
	if ni < 1 || ki < 1 || ki > ni {
		return Shard{}, fmt.Errorf("--shard %s: K must be from 1 to N", s)
	}
	return Shard{Index: ki, Count: ni}, nil
}

func (sh Shard) String() string {
	if sh.Count == 0 {
		return "all"
	}
	return fmt.Sprintf("%d/%d", sh.Index, sh.Count)
}

// Has reports whether the script named key is in the shard.
func (sh Shard) Has(key string) bool {
	if sh.Count == 0 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()%uint64(sh.Count) == uint64(sh.Index-1)
}

// Take returns the scripts in the shard, in order.
func (sh Shard) Take(scripts []Script) []Script {
	var out []Script
	for _, s := range scripts {
		if sh.Has(s.Key) {
			out = append(out, s)
		}
	}
	return out
}
