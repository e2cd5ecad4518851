"""The intent service: transcripts in, intents out, and the vocabulary that the stt grammar
follows."""
