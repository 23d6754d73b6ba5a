// Trains a small LSTM on a string and generates 20 words.
import Foundation
import Models
import Tensor
import Text
import Train

// 48 sentences, one a line: every subject with every verb and object.
let subjects = ["the cat", "the dog", "a bird", "my friend"], verbs = ["sees", "likes", "finds"]
let objects = ["the ball .", "a red hat .", "the old tree .", "some bread ."]
let lines = subjects.flatMap { s in verbs.flatMap { v in objects.map { "\(s) \(v) \($0)" } } }
let text = lines.joined(separator: "\n")

// Token ids over one vocabulary (`<eos>` ends each line); valid and test text are parts of it.
var vocabulary = Vocabulary()
let ids = Corpus.tokenize(text, adding: &vocabulary)
let corpus = Corpus(vocabulary: vocabulary, train: ids + ids, valid: Array(ids.prefix(60)), test: Array(ids.suffix(60)))

// A one-layer LSTM, 32 units; a few short epochs (the run folder goes to a temporary directory).
var training = TrainOptions()
training.epochs = 8
training.batchSize = 4
training.bptt = 10
let save = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-train-lstm").path
var run = LanguageModelRun(data: .corpus(corpus), model: ModelConfig(kind: .lstm, vocabularySize: 0, emsize: 32, nhid: 32, nlayers: 1),
                           training: training, save: save)
run.overwrite = true  // the folder of the previous run of this example
let result = try run.run()
print(String(format: "test perplexity %.2f", result.test.perplexity))

// 20 words after "the cat", sampled at temperature 0.8.
let prompt = ["the", "cat"].compactMap { result.corpus.vocabulary.id(of: $0) }
let words = generate(result.model, prompt: prompt, count: 20, temperature: 0.8, generator: RandomGenerator(seed: 7))
print("generated:", words.map { result.corpus.vocabulary[$0] }.joined(separator: " "))
