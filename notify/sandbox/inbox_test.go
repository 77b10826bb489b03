package sandbox

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInboxKeepDropsOldest(t *testing.T) {
	sb := New(Config{Token: "tok", Keep: 3})
	for i := 1; i <= 5; i++ {
		a := postForm(t, sb, "/send", "tok", send("081234567890", fmt.Sprint("pesan ", i)))
		require.True(t, a.Status)
	}
	msgs := sb.Messages()
	require.Len(t, msgs, 3)
	assert.Equal(t, []string{"pesan 5", "pesan 4", "pesan 3"}, bodies(msgs))
	assert.Equal(t, []string{"80000005", "80000004", "80000003"}, ids(msgs))

	assert.Equal(t, DefaultKeep, NewInbox(0).keep)
}

func TestInboxAddEmailAndFor(t *testing.T) {
	in := NewInbox(10)
	in.now = func() time.Time { return testNow }
	m := in.AddEmail(" Budi@Example.com ", "Pesanan berhasil", "Halo Budi\nSN 123", "<p>Halo <b>Budi</b></p>")
	assert.Equal(t, Message{ID: "80000001", Channel: ChannelEmail, To: "Budi@Example.com", Subject: "Pesanan berhasil",
		Body: "Halo Budi\nSN 123", HTML: "<p>Halo <b>Budi</b></p>", At: testNow}, m)
	in.add(Message{Channel: ChannelWhatsApp, To: "6281234567890", Body: "wa"})
	in.AddEmail("budi@example.com", "Kedua", "dua", "")

	assert.Equal(t, []string{"dua", "Halo Budi\nSN 123"}, bodies(in.For("BUDI@example.com")))
	for _, spelling := range []string{"6281234567890", "081234567890", "+62 812-3456-7890", "0062 812 3456 7890", "81234567890"} {
		assert.Equal(t, []string{"wa"}, bodies(in.For(spelling)), spelling)
	}
	assert.Empty(t, in.For("nobody@example.com"))
	assert.Empty(t, in.For("0899"))
}

func TestInboxSinceAndReset(t *testing.T) {
	in := NewInbox(10)
	for i := 0; i < 3; i++ {
		in.AddEmail("a@example.com", "s", fmt.Sprint(i), "")
	}
	got, ok := in.Since("80000001")
	require.True(t, ok)
	assert.Equal(t, []string{"80000003", "80000002"}, ids(got))
	got, ok = in.Since("")
	require.True(t, ok)
	assert.Len(t, got, 3)
	_, ok = in.Since("abc")
	assert.False(t, ok)

	in.Reset()
	assert.Empty(t, in.Messages())
	assert.Equal(t, "80000004", in.AddEmail("a@example.com", "s", "after", "").ID, "ids keep increasing after Reset")
}

func TestInboxWaitFor(t *testing.T) {
	in := NewInbox(1)
	go func() {
		time.Sleep(20 * time.Millisecond)
		in.AddEmail("a@example.com", "s", "1", "")
		in.AddEmail("a@example.com", "s", "2", "")
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msgs, err := in.WaitFor(ctx, 2)
	require.NoError(t, err, "dropped messages count toward n")
	assert.Equal(t, []string{"2"}, bodies(msgs))

	msgs, err = in.WaitUntil(ctx, func(m []Message) bool { return len(m) == 1 && m[0].Body == "2" })
	require.NoError(t, err)
	assert.Len(t, msgs, 1)

	short, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	msgs, err = in.WaitFor(short, 5)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Len(t, msgs, 1)
}

func TestInboxConcurrent(t *testing.T) {
	sb := New(Config{Token: "tok", Keep: 50})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				sb.AddEmail("a@example.com", "s", "b", "")
				_ = sb.Messages()
				_ = sb.For("a@example.com")
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 50, sb.Len())
	msgs := sb.Messages()
	assert.Equal(t, "80000160", msgs[0].ID)
}

func bodies(msgs []Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Body
	}
	return out
}
