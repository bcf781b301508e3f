/**
 * Test and benchmark utilities shipped with the library: a loopback server that speaks the OpenAI
 * and Anthropic chat APIs. They open no connection beyond 127.0.0.1 and are not needed by
 * programs that call real providers.
 */
package dev.dspy4j.testing;
