// Writes records to a Kafka topic for the conformance programs, with the
// broker's own kafka-clients (run as a single-file source program:
// java -cp "<broker libs>/*" KafkaProduce.java BOOTSTRAP TOPIC PARTITIONS).
// Creates the topic with PARTITIONS partitions if it does not exist, then
// reads standard input, one record a line: "<partition>\t<key>\t<value>"
// where an empty key is a NULL key and a key is written after a '+'. Every
// record goes to the partition it names, in order; exits 1 unless all are
// acknowledged.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

public class KafkaProduce {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    int partitions = Integer.parseInt(args[2]);
    Properties admin = new Properties();
    admin.put("bootstrap.servers", bootstrap);
    try (Admin a = Admin.create(admin)) {
      Set<String> names = a.listTopics().names().get();
      if (!names.contains(topic)) {
        a.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
      }
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("enable.idempotence", "true");
    p.put("acks", "all");
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) continue;
        String[] f = line.split("\t", 3);
        String key = f[1].isEmpty() ? null : f[1].substring(1);
        producer.send(new ProducerRecord<>(topic, Integer.parseInt(f[0]), key, f[2])).get();
      }
      producer.flush();
    }
  }
}
