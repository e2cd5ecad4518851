"""The speech-to-text service: audio in only inside an authorised session, transcripts out."""
